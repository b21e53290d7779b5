-- enrich.failure_examples: a few items that failed at a step with one error, with their input
-- values (the dashboard's failures, read on demand: status pages read kept counts only).

create or replace function enrich.failure_examples(
  p_batch_id uuid, p_step text, p_error text, p_limit integer default 5
) returns table (row_number integer, item_id uuid, input jsonb)
language sql stable set search_path = '' as $$
  select i.row_number, i.id, i.data
  from enrich.batch_items i
  join enrich.workflow_states ws on ws.item_id = i.id and ws.step_name = p_step
  where i.batch_id = p_batch_id and i.status = 'FAILED' and ws.status = 'FAILED'
    and enrich._state_error(ws.status, ws.meta) = coalesce(p_error, '')
  order by i.row_number
  limit least(greatest(p_limit, 0), 100)
$$;
comment on function enrich.failure_examples(uuid, text, text, integer) is
  'Up to p_limit (at most 100) items of a batch that FAILED at p_step with p_error, in row '
  'order, with their input values.';
