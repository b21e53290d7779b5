-- enrich._claiming_batch: the batch a claim's paid call is booked to (the batch of the item
-- that claimed the entity).

create or replace function enrich._claiming_batch(p_slug text, p_entity_id uuid) returns uuid
language sql stable set search_path = '' as $$
  select i.batch_id from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id
  where ws.entity_id = p_entity_id and ws.step_name = p_slug and ws.status = 'IN_PROGRESS'
  limit 1
$$;
comment on function enrich._claiming_batch(text, uuid) is
  'The batch of the item that claimed an entity in a workflow (its IN_PROGRESS item step).';
