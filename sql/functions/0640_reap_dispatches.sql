-- enrich.reap_dispatches: the reaper. Expired leases (a dead worker) go back to the queue;
-- callbacks overdue past their deadline are retried, or FAIL after max_attempts.

create or replace function enrich.reap_dispatches(p_limit integer default 1000)
returns table (requeued integer, retried integer, failed integer)
language plpgsql set search_path = '' as $$
declare
  v_row     record;
  v_outcome text;
begin
  requeued := 0; retried := 0; failed := 0;
  for v_row in
    select d.id, d.status from enrich.dispatches d
    where (d.status = 'LEASED' and d.leased_until < now())
       or (d.status = 'SENT' and d.callback_deadline < now())
    order by d.id
    limit p_limit
    for update skip locked
  loop
    if v_row.status = 'LEASED' then
      v_outcome := enrich._retry_or_fail(v_row.id, interval '0', 'lease expired: the worker stopped before reporting');
      if v_outcome = 'QUEUED' then requeued := requeued + 1; else failed := failed + 1; end if;
    else
      v_outcome := enrich._retry_or_fail(v_row.id, interval '0', 'no callback before the deadline');
      if v_outcome = 'QUEUED' then retried := retried + 1; else failed := failed + 1; end if;
    end if;
  end loop;
  return next;
end;
$$;
comment on function enrich.reap_dispatches(integer) is
  'Re-queues dispatches whose lease expired and retries those whose callback deadline '
  'passed; entities out of attempts FAIL (cascading). Concurrent reapers skip each other''s '
  'rows (SKIP LOCKED).';
