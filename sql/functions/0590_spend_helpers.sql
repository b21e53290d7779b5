-- The spend model's helpers: the UTC day budgets count by, what a workflow may still spend
-- today, who a claim's paid call is booked to, and giving a reservation back.

create or replace function enrich._utc_today() returns date
language sql stable set search_path = '' as $$
  select (pg_catalog.now() at time zone 'UTC')::date
$$;
comment on function enrich._utc_today() is
  'Today in UTC: daily budgets and the ledger count by UTC day.';

create or replace function enrich._credits_spent(p_workspace text, p_day date) returns numeric
language sql stable set search_path = '' as $$
  select coalesce(sum(p.calls * w.credits_per_call), 0)
  from enrich.paid_calls p join enrich.workflows w on w.slug = p.workflow_slug
  where p.day = p_day and p.workspace = p_workspace
$$;
comment on function enrich._credits_spent(text, date) is
  'Credits a workspace spent on a UTC day: its paid calls times each workflow''s credits per call.';

create or replace function enrich._calls_spent(p_workflow text, p_day date) returns integer
language sql stable set search_path = '' as $$
  select coalesce(sum(p.calls), 0)::integer from enrich.paid_calls p
  where p.day = p_day and p.workflow_slug = p_workflow
$$;
comment on function enrich._calls_spent(text, date) is
  'Paid calls (reserved included) a workflow made on a UTC day.';

create or replace function enrich._calls_left_today(
  p_workflow enrich.workflows, p_workspace enrich.workspaces, p_day date
) returns integer
language sql stable set search_path = '' as $$
  select least(
    case when p_workflow.daily_budget is null then 2147483647
         else greatest(p_workflow.daily_budget - enrich._calls_spent(p_workflow.slug, p_day), 0) end,
    case when p_workspace.daily_credits is null or p_workflow.credits_per_call = 0 then 2147483647
         else greatest(floor((p_workspace.daily_credits
                              - enrich._credits_spent(p_workspace.name, p_day))
                             / p_workflow.credits_per_call), 0)::integer end)
$$;
comment on function enrich._calls_left_today(enrich.workflows, enrich.workspaces, date) is
  'Paid calls a workflow may still make on a UTC day: its daily budget and its workspace''s '
  'daily credits, whichever is less (2147483647 = unlimited).';

create or replace function enrich._claiming_batch(p_slug text, p_entity_id uuid) returns uuid
language sql stable set search_path = '' as $$
  select i.batch_id from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id
  where ws.entity_id = p_entity_id and ws.step_name = p_slug and ws.status = 'IN_PROGRESS'
  limit 1
$$;
comment on function enrich._claiming_batch(text, uuid) is
  'The batch of the item that claimed an entity in a workflow (its IN_PROGRESS item step).';

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
