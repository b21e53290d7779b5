-- enrich._delete_batches: batches go with their items, item steps, kept counts and part
-- counts (prune, a failed load in parts); entities and their results stay for other batches.

create or replace function enrich._delete_batches(
  p_batch_ids uuid[], p_only_if_status text default null
) returns bigint
language plpgsql set search_path = '' as $$
declare
  v_deleted bigint;
begin
  -- items, their states and people's first-item links have no foreign key (migrations
  -- 0003 and 0005)
  delete from enrich.workflow_states ws
   using enrich.batch_items i
   where i.id = ws.item_id and i.batch_id = any(p_batch_ids);
  update enrich.normalized_people p
     set batch_item_id = null
    from enrich.batch_items i
   where i.id = p.batch_item_id and i.batch_id = any(p_batch_ids);
  delete from enrich.batch_items i where i.batch_id = any(p_batch_ids);
  delete from enrich.batch_counts c where c.batch_id = any(p_batch_ids);
  delete from enrich.batch_identity_counts c where c.batch_id = any(p_batch_ids);
  with gone as (
    delete from enrich.batches b
     where b.id = any(p_batch_ids) and (p_only_if_status is null or b.status = p_only_if_status)
    returning b.id),
  parts_gone as (
    delete from enrich.loading_batch_parts p using gone where p.batch_id = gone.id)
  select count(*) into v_deleted from gone;
  return v_deleted;
end;
$$;
comment on function enrich._delete_batches(uuid[], text) is
  'Deletes batches with their items, item steps and part counts (prune, a failed load in '
  'parts); companies, people, their workflow states and results stay for other batches. '
  'The batch rows go last (with p_only_if_status, only those still in it); returns how '
  'many went.';
