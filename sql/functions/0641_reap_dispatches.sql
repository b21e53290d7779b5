-- enrich.reap_dispatches: the reaper, run by every worker. An expired lease (a worker that
-- died, or lost the record of an accepted POST) counts as possibly paid: the entity waits
-- for its callback like a sent one. A callback overdue past its deadline gets a paid re-send
-- only if the workflow allows one (resends); otherwise the entity FAILS with no_callback.

create or replace function enrich.reap_dispatches(p_limit integer default 1000)
returns table (expired_leases integer, resent integer, failed integer)
language plpgsql set search_path = '' as $$
declare
  v_row record;
begin
  expired_leases := 0; resent := 0; failed := 0;
  for v_row in
    select d.id, d.status, d.workflow_slug, d.entity_id, d.paid_calls, w.resends, w.timeout
    from enrich.dispatches d join enrich.workflows w on w.slug = d.workflow_slug
    where (d.status = 'LEASED' and d.leased_until < now())
       or (d.status = 'SENT' and d.callback_deadline < now())
    order by d.id
    limit p_limit
    for update of d skip locked
  loop
    if v_row.status = 'LEASED' then
      -- possibly paid: whether the POST went out is not known (see docs/architecture.md)
      update enrich.dispatches d
         set status = 'SENT', sent_at = now(), callback_deadline = now() + v_row.timeout,
             leased_by = null, leased_until = null, reserved_on = null, reserved_workspace = null,
             paid_calls = greatest(d.paid_calls, 1), updated_at = now(),
             last_error = 'lease expired: the worker stopped after claiming; Clay may have '
                          || 'accepted the row, so it counts as paid'
       where d.id = v_row.id;
      expired_leases := expired_leases + 1;
    elsif greatest(v_row.paid_calls, 1) - 1 < v_row.resends then
      update enrich.dispatches d
         set status = 'QUEUED', available_at = now(), cause = 'resend', attempt = 0, sent_at = null,
             callback_deadline = null, updated_at = now(),
             last_error = format('no callback within %s: paid re-send %s of %s',
                                 v_row.timeout, greatest(v_row.paid_calls, 1), v_row.resends)
       where d.id = v_row.id;
      resent := resent + 1;
    else
      perform enrich._settle_entity(v_row.workflow_slug, v_row.entity_id, 'FAILED',
        enrich._no_callback_error(v_row.timeout, v_row.resends));
      failed := failed + 1;
    end if;
  end loop;
  return next;
end;
$$;
comment on function enrich.reap_dispatches(integer) is
  'Expired leases become SENT (possibly paid: they wait for their callback); dispatches '
  'whose callback deadline passed are re-sent while the workflow allows paid re-sends, else '
  'their entity FAILS with no_callback (cascading). Concurrent reapers skip each other''s '
  'rows (SKIP LOCKED).';
