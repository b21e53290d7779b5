-- enrich.reap_dispatches: the reaper, run by every worker. An expired lease (a worker that
-- died, or lost the record of an accepted POST) counts as possibly paid: the entity waits
-- for its callback like a sent one. A callback overdue past its deadline gets a paid re-send
-- only if the workflow allows one (resends); otherwise the entity FAILS with no_callback.

create or replace function enrich.reap_dispatches(p_limit integer default 1000)
returns table (expired_leases integer, resent integer, failed integer)
language plpgsql set search_path = '' as $$
declare
  v_ids      bigint[];
  v_workflow record;
begin
  v_ids := array(
    select d.id from enrich.dispatches d
    where (d.status = 'LEASED' and d.leased_until < now())
       or (d.status = 'SENT' and d.callback_deadline < now())
    order by d.id
    limit p_limit
    for update skip locked);

  -- possibly paid: whether the POST went out is not known (see docs/architecture.md)
  expired_leases := enrich._mark_sent(v_ids, null,
    'lease expired: the worker stopped after claiming; Clay may have accepted the row, so it '
    || 'counts as paid');

  -- overdue callbacks: a paid re-send where the workflow allows one...
  update enrich.dispatches d
     set status = 'QUEUED', available_at = now(), cause = 'resend', attempt = 0, sent_at = null,
         callback_deadline = null, updated_at = now(),
         last_error = format('no callback within %s: paid re-send %s of %s',
                             w.timeout, greatest(d.paid_calls, 1), w.resends)
    from enrich.workflows w
   where d.id = any(v_ids) and d.status = 'SENT' and d.callback_deadline < now()
     and w.slug = d.workflow_slug and greatest(d.paid_calls, 1) - 1 < w.resends;
  get diagnostics resent = row_count;

  -- ...else the entities FAIL with no_callback, one cascade per workflow
  failed := 0;
  for v_workflow in
    select d.workflow_slug, w.timeout, w.resends, array_agg(d.entity_id) as entity_ids
    from enrich.dispatches d join enrich.workflows w on w.slug = d.workflow_slug
    where d.id = any(v_ids) and d.status = 'SENT' and d.callback_deadline < now()
    group by d.workflow_slug, w.timeout, w.resends
  loop
    perform enrich._settle_entity(v_workflow.workflow_slug, v_workflow.entity_ids, 'FAILED',
      enrich._no_callback_error(v_workflow.timeout, v_workflow.resends));
    failed := failed + cardinality(v_workflow.entity_ids);
  end loop;
  return next;
end;
$$;
comment on function enrich.reap_dispatches(integer) is
  'Expired leases become SENT (possibly paid: they wait for their callback); dispatches '
  'whose callback deadline passed are re-sent while the workflow allows paid re-sends, else '
  'their entity FAILS with no_callback (cascading). Concurrent reapers skip each other''s '
  'rows (SKIP LOCKED).';
