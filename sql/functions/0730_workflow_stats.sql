-- enrich.workflow_stats: `enrich stats`. Spend and savings per workflow.

create or replace function enrich.workflow_stats(p_since timestamptz default null)
returns table (
  workflow_slug text, entities_enriched bigint, items_served bigint, dedupe_ratio numeric,
  calls_made bigint, calls_saved bigint, credits_saved numeric, failures jsonb
)
language sql stable set search_path = '' as $$
  with entity_states as (
    select workflow_slug, status, attempts, completed_at, failed_at, last_error
    from enrich.company_workflow_states
    union all
    select workflow_slug, status, attempts, completed_at, failed_at, last_error
    from enrich.person_workflow_states
  ),
  per_workflow as (
    select w.slug, w.credits_per_call,
           (select count(*) from entity_states e where e.workflow_slug = w.slug
              and e.status = 'COMPLETED' and (p_since is null or e.completed_at >= p_since)) as enriched,
           (select count(*) from enrich.workflow_states ws where ws.step_name = w.slug
              and ws.status = 'COMPLETED' and (p_since is null or ws.completed_at >= p_since)) as served,
           (select coalesce(sum(e.attempts), 0) from entity_states e where e.workflow_slug = w.slug
              and (p_since is null or coalesce(e.completed_at, e.failed_at) >= p_since))
           + (select coalesce(sum(d.attempt), 0) from enrich.dispatches d
               where d.workflow_slug = w.slug) as calls,
           (select jsonb_object_agg(f.reason, f.n) from (
              select coalesce(e.last_error, 'unknown') as reason, count(*) as n
              from entity_states e where e.workflow_slug = w.slug and e.status = 'FAILED'
                and (p_since is null or e.failed_at >= p_since)
              group by 1) f) as failures
    from enrich.workflows w
  )
  select slug, enriched, served,
         case when enriched > 0 then round(served::numeric / enriched, 2) end,
         calls, greatest(served - enriched, 0), greatest(served - enriched, 0) * credits_per_call,
         coalesce(failures, '{}')
  from per_workflow order by slug
$$;
comment on function enrich.workflow_stats(timestamptz) is
  'Per workflow (since p_since, or ever): entities enriched, items served, dedupe ratio '
  '(items per entity), Clay calls made (attempts), calls saved by dedupe, estimated credits '
  'saved (calls saved x credits_per_call) and failures by reason.';
