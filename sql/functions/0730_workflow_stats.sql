-- enrich.workflow_stats: `enrich stats`. Spend and savings per workflow.

create or replace function enrich.workflow_stats(p_since timestamptz default null)
returns table (
  workflow_slug text, workspace text, entities_enriched bigint, items_served bigint,
  dedupe_ratio numeric, paid_calls bigint, entities_paid_for bigint, paid_without_result bigint,
  spend_multiplier numeric, credits_spent numeric, calls_saved bigint, credits_saved numeric,
  failures jsonb
)
language sql stable set search_path = '' as $$
  with entity_states as (
    select s.workflow_slug, s.status, s.completed_at, s.failed_at, s.updated_at, s.last_error,
           s.paid_calls + coalesce(d.paid_calls, 0) as paid
    from enrich.company_workflow_states s
    left join enrich.dispatches d on d.workflow_slug = s.workflow_slug and d.entity_id = s.company_id
    union all
    select s.workflow_slug, s.status, s.completed_at, s.failed_at, s.updated_at, s.last_error,
           s.paid_calls + coalesce(d.paid_calls, 0)
    from enrich.person_workflow_states s
    left join enrich.dispatches d on d.workflow_slug = s.workflow_slug and d.entity_id = s.person_id
  ),
  -- one pass over the entities, grouped by workflow (not one per figure and workflow)
  per_entity_workflow as (
    select e.workflow_slug,
           count(*) filter (where e.status = 'COMPLETED'
                              and (p_since is null or e.completed_at >= p_since)) as enriched,
           count(*) filter (where e.paid > 0
                              and (p_since is null or e.updated_at >= p_since)) as entities_paid,
           count(*) filter (where e.paid > 0 and e.status <> 'COMPLETED'
                              and (p_since is null or e.updated_at >= p_since)) as without_result,
           coalesce(sum(e.paid) filter (where p_since is null or e.updated_at >= p_since), 0)
             as entity_paid_sum
    from entity_states e
    group by 1
  ),
  failures as (
    select f.workflow_slug, jsonb_object_agg(f.reason, f.n) as failures
    from (select e.workflow_slug, coalesce(e.last_error, 'unknown') as reason, count(*) as n
          from entity_states e
          where e.status = 'FAILED' and (p_since is null or e.failed_at >= p_since)
          group by 1, 2) f
    group by 1
  ),
  per_workflow as (
    select w.slug, w.workspace, w.credits_per_call,
           coalesce(pe.enriched, 0) as enriched,
           -- items served: kept per day as they complete (enrich.item_completions)
           (select coalesce(sum(c.n), 0) from enrich.item_completions c where c.step_name = w.slug
              and (p_since is null or c.day >= (p_since at time zone 'UTC')::date)) as served,
           (select coalesce(sum(p.calls), 0) from enrich.paid_calls p where p.workflow_slug = w.slug
              and (p_since is null or p.day >= (p_since at time zone 'UTC')::date)) as paid,
           coalesce(pe.entities_paid, 0) as entities_paid,
           coalesce(pe.without_result, 0) as without_result,
           coalesce(pe.entity_paid_sum, 0) as entity_paid_sum,
           f.failures
    from enrich.workflows w
    left join per_entity_workflow pe on pe.workflow_slug = w.slug
    left join failures f on f.workflow_slug = w.slug
  )
  select slug, workspace, enriched, served,
         case when enriched > 0 then round(served::numeric / enriched, 2) end,
         paid, entities_paid, without_result,
         case when entities_paid > 0 then round(entity_paid_sum::numeric / entities_paid, 2) end,
         paid * credits_per_call,
         greatest(served - enriched, 0), greatest(served - enriched, 0) * credits_per_call,
         coalesce(failures, '{}')
  from per_workflow order by slug
$$;
comment on function enrich.workflow_stats(timestamptz) is
  'Per workflow (since p_since, or ever): entities enriched, items served, dedupe ratio '
  '(items per entity), paid calls (the ledger: calls Clay accepted or may have), entities '
  'paid for (distinct), those paid for without a result, the spend multiplier (paid calls '
  'per entity paid for; 1.00 is perfect), credits spent, calls and credits saved by dedupe '
  'and reuse, and failures by reason.';
