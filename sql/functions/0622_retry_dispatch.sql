-- enrich.retry_dispatch: Clay did not take the row (429, 500, 503, a network error before
-- the body went out). The reserved call is given back; the dispatch is QUEUED again after
-- p_delay, or the entity FAILS once the workflow's max_attempts are used up.

create or replace function enrich.retry_dispatch(
  p_dispatch_id bigint, p_worker text, p_delay interval, p_error text,
  p_spend_attempt boolean default true
) returns text
language plpgsql set search_path = '' as $$
begin
  -- the worker waits at most an hour whatever Clay's Retry-After says: a longer delay is a
  -- mistake, and would park the entity out of sight
  if p_delay is null or now() + p_delay < now()
     or now() + p_delay > now() + interval '1 hour' then  -- (as times: '1 month -30 days')
    raise exception using errcode = 'EN003',
      message = 'retry_dispatch: the delay must be between 0 and an hour';
  end if;
  perform 1 from enrich.dispatches d
   where d.id = p_dispatch_id and d.status = 'LEASED' and d.leased_by = p_worker
   for update;
  if not found then
    return null;
  end if;
  perform enrich._return_reservations(array[p_dispatch_id]);
  if not p_spend_attempt then
    -- throttled (429): Clay did not take the row; the attempt is given back
    perform enrich._requeue_dispatch(p_dispatch_id, p_delay, p_error, true);
    return 'QUEUED';
  end if;
  return enrich._retry_or_fail(p_dispatch_id, p_delay, p_error);
end;
$$;
comment on function enrich.retry_dispatch(bigint, text, interval, text, boolean) is
  'Clay did not take the row: the reserved paid call and webhook submission are given back, '
  'then QUEUED again after p_delay (returns QUEUED), or the entity FAILS when attempts reach '
  'max_attempts (returns FAILED). With p_spend_attempt false (a 429: the row was throttled, '
  'not tried) the attempt is given back too and the entity never fails for it. NULL when '
  'p_worker does not hold the lease.';
