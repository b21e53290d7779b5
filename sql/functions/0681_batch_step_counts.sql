-- enrich.batch_step_counts: a batch's items per step and status, and how many of them were
-- served without a Clay call of their own (`enrich demo`).

create or replace function enrich.batch_step_counts(p_batch_id uuid)
returns table (step text, status text, items bigint, skipped bigint)
language sql stable set search_path = '' as $$
  select ws.step_name, ws.status, count(*), count(*) filter (where ws.meta ? 'skipped')
  from enrich.workflow_states ws
  join enrich.batch_items i on i.id = ws.item_id
  join enrich.batches b on b.id = i.batch_id
  where i.batch_id = p_batch_id
  group by ws.step_name, ws.status, b.steps
  order by array_position(b.steps, ws.step_name), ws.status
$$;
comment on function enrich.batch_step_counts(uuid) is
  'Per step (in pipeline order) and status: a batch''s items, and those served without a '
  'Clay call of their own (meta.skipped).';
