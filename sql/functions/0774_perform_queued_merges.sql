-- enrich.perform_queued_merges: the merges results revealed (enrich._learn_identifiers),
-- performed by worker housekeeping a few at a time; several workers take different ones
-- (SKIP LOCKED). Returns how many were performed.

create or replace function enrich.perform_queued_merges(p_limit integer default 50)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_merge    record;
  v_survivor uuid;
  v_done     integer := 0;
begin
  for v_merge in
    select q.id, q.entity_type, q.entity_id, q.other_id, q.linked_by
    from enrich.queued_merges q order by q.id
    limit greatest(coalesce(p_limit, 50), 0)
    for update skip locked
  loop
    -- ids merged away meanwhile live on as their survivors
    select coalesce((select r.entity_id from enrich.entity_redirects r
                      where r.old_id = v_merge.entity_id), v_merge.entity_id),
           coalesce((select r.entity_id from enrich.entity_redirects r
                      where r.old_id = v_merge.other_id), v_merge.other_id)
      into v_merge.entity_id, v_merge.other_id;
    if v_merge.entity_id <> v_merge.other_id then
      v_survivor := enrich._merge_survivor(v_merge.entity_type,
                                           array[v_merge.entity_id, v_merge.other_id]);
      perform enrich._merge_entity(
        v_merge.entity_type, v_survivor,
        case when v_survivor = v_merge.entity_id then v_merge.other_id else v_merge.entity_id end,
        v_merge.linked_by, null, 'result');
      perform enrich._count_batch_entities(array(
        select distinct i.batch_id from enrich.workflow_states ws
          join enrich.batch_items i on i.id = ws.item_id where ws.entity_id = v_survivor));
      v_done := v_done + 1;
    end if;
    delete from enrich.queued_merges q where q.id = v_merge.id;
  end loop;
  return v_done;
end;
$$;
comment on function enrich.perform_queued_merges(integer) is
  'Performs up to p_limit merges queued by results (oldest first; concurrent callers take '
  'different ones). Returns how many merged (a pair already one is just dequeued).';
