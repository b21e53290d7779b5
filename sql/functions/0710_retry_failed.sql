-- enrich.retry_failed: `enrich retry`. FAILED entities (of a batch, a workflow or one id)
-- are queued again with attempts reset; their failed items wait on them again.

create or replace function enrich.retry_failed(
  p_batch_id uuid default null, p_workflow text default null, p_entity_id uuid default null
) returns integer
language plpgsql set search_path = '' as $$
declare
  v_workflow record;
  v_ids      uuid[];
  v_total    integer := 0;
begin
  for v_workflow in
    select w.slug, w.entity_type, t.states, t.id_column
    from enrich.workflows w cross join enrich._entity_tables(w.entity_type) t
    where p_workflow is null or w.slug = p_workflow order by w.slug
  loop
    -- the failed entities in scope, reached through the items that failed with them
    v_ids := array(
      select distinct ws.entity_id from enrich.workflow_states ws
      join enrich.batch_items i on i.id = ws.item_id
      where ws.step_name = v_workflow.slug and ws.status = 'FAILED' and ws.entity_id is not null
        and (p_batch_id is null or i.batch_id = p_batch_id)
        and (p_entity_id is null or ws.entity_id = p_entity_id)
      order by 1);
    execute format($sql$
      with retried as (
        update enrich.%1$I s
           set status = 'IN_PROGRESS', attempts = 0, last_error = null, failed_at = null,
               started_at = now(), updated_at = now()
         where s.workflow_slug = $1 and s.%2$I = any($2) and s.status = 'FAILED'
        returning s.%2$I)
      select coalesce(array_agg(%2$I order by %2$I), '{}') from retried
    $sql$, v_workflow.states, v_workflow.id_column)
      into v_ids using v_workflow.slug, v_ids;
    if cardinality(v_ids) = 0 then
      continue;
    end if;
    perform enrich._queue_dispatches(v_workflow.slug, v_workflow.entity_type, v_ids, 'retry',
                                     p_batch_id);

    -- their failed items wait again (FAILED -> WAITING); items and batches reopen
    with revived as (
      update enrich.workflow_states ws
         set status = 'WAITING', failed_at = null, meta = ws.meta - 'error', updated_at = now()
       where ws.step_name = v_workflow.slug and ws.entity_id = any(v_ids) and ws.status = 'FAILED'
      returning ws.item_id)
    update enrich.batch_items i set status = 'IN_PROGRESS', finished_at = null
      from revived r where i.id = r.item_id;
    perform enrich._refresh_batch_status(array(
      select distinct i.batch_id from enrich.workflow_states ws
      join enrich.batch_items i on i.id = ws.item_id
      where ws.step_name = v_workflow.slug and ws.entity_id = any(v_ids)));
    v_total := v_total + cardinality(v_ids);
  end loop;
  return v_total;
end;
$$;
comment on function enrich.retry_failed(uuid, text, uuid) is
  'Re-queues FAILED entities (those of a batch''s items, of a workflow, or one entity; all '
  'if no filter) with attempts reset; their FAILED items become WAITING again and their '
  'batches reopen. Returns how many entities were re-queued.';
