-- enrich.movable_dispatches: whether any work of these workflows can still move (`enrich run`
-- stops with the reason when none can).

create or replace function enrich.movable_dispatches(p_workflows text[])
returns bigint
language sql stable set search_path = '' as $$
  select count(*) from enrich.dispatches d
  where d.workflow_slug = any(p_workflows)
    and not (d.status = 'QUEUED'
             and d.workflow_slug in (select r.workflow_slug from enrich.dispatch_wait_reasons() r))
$$;
comment on function enrich.movable_dispatches(text[]) is
  'Dispatches of these workflows that can still move: every one but those QUEUED in a '
  'workflow whose work waits (paused, over budget, no webhook left).';
