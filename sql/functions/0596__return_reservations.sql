-- enrich._return_reservations: Clay did not take a leased row, so the paid call and the
-- webhook submission its lease reserved are given back.

create or replace function enrich._return_reservations(p_dispatch_ids bigint[]) returns integer
language plpgsql set search_path = '' as $$
declare
  v_days     date[];
  v_slugs    text[];
  v_hooks    bigint[];
  v_batches  uuid[];
  v_causes   text[];
  v_spaces   text[];
begin
  -- the dispatch rows first, then webhooks, then the ledger: the claim's order after its
  -- dispatches (a claim never waits on a dispatch: SKIP LOCKED), so no lock cycle
  with old as (
    select d.id, d.reserved_on, d.reserved_workspace, d.workflow_slug, d.webhook_id, d.batch_id,
           d.cause
    from enrich.dispatches d
    where d.id = any(p_dispatch_ids) and d.status = 'LEASED' and d.reserved_on is not null
    order by d.id
    for update
  ),
  returned as (
    update enrich.dispatches d
       set paid_calls = greatest(d.paid_calls - 1, 0), reserved_on = null,
           reserved_workspace = null, updated_at = now()
      from old where d.id = old.id
    returning old.reserved_on, old.reserved_workspace, old.workflow_slug, old.webhook_id,
              old.batch_id, old.cause
  )
  select array_agg(r.reserved_on), array_agg(r.reserved_workspace), array_agg(r.workflow_slug),
         array_agg(r.webhook_id), array_agg(r.batch_id), array_agg(r.cause)
    into v_days, v_spaces, v_slugs, v_hooks, v_batches, v_causes
    from returned r;
  if v_days is null then
    return 0;
  end if;

  update enrich.workflow_webhooks h set submissions = greatest(h.submissions - r.n, 0)
    from (select u.webhook_id, count(*)::integer as n from unnest(v_hooks) as u(webhook_id)
           where u.webhook_id is not null group by 1) r
   where h.id = r.webhook_id;
  update enrich.paid_calls p set calls = greatest(p.calls - r.n, 0)
    from (select u.day, u.workspace, u.workflow_slug, u.webhook_id, u.batch_id, u.cause,
                 count(*)::integer as n
            from unnest(v_days, v_spaces, v_slugs, v_hooks, v_batches, v_causes)
                 as u(day, workspace, workflow_slug, webhook_id, batch_id, cause)
           group by 1, 2, 3, 4, 5, 6) r
   where p.day = r.day and p.workspace = r.workspace and p.workflow_slug = r.workflow_slug
     and p.webhook_id is not distinct from r.webhook_id
     and p.batch_id is not distinct from r.batch_id and p.cause = r.cause;
  return cardinality(v_days);
end;
$$;
comment on function enrich._return_reservations(bigint[]) is
  'Clay did not take these LEASED dispatches'' rows (429, 500, 503, a refusal, an error '
  'before the body went out, a graceful hand-back): each gives back the paid call and the '
  'webhook submission its lease reserved. Returns how many were given back.';
