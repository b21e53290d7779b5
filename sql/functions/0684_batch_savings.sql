-- enrich.batch_savings: per entity step of a batch, items served, entities, and the items
-- that claimed their entity (a Clay call) — `enrich run`'s summary.

create or replace function enrich.batch_savings(p_batch_id uuid)
returns table (step text, items bigint, entities bigint, sent bigint)
language sql stable set search_path = '' as $$
  select ws.step_name, count(*), count(distinct ws.entity_id),
         count(*) filter (where ws.entity_id is not null and not ws.meta ? 'skipped')
  from enrich.workflow_states ws
  join enrich.batch_items i on i.id = ws.item_id
  join enrich.workflows w on w.slug = ws.step_name
  where i.batch_id = p_batch_id
  group by ws.step_name
  order by ws.step_name
$$;
comment on function enrich.batch_savings(uuid) is
  'Per entity step of a batch: items, distinct entities, and items that claimed their entity '
  '(the others were served without a call of their own).';
