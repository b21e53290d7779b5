-- enrich._settle_entity: an entity's enrichment ends (COMPLETED or FAILED) and every linked
-- item follows in the same transaction. The single place where entities finish.

create or replace function enrich._settle_entity(
  p_slug text, p_entity_id uuid, p_status text, p_error text default null
) returns void
language plpgsql set search_path = '' as $$
declare
  v_type    text;
  v_attempt integer;
begin
  if p_status not in ('COMPLETED', 'FAILED') then
    raise exception using errcode = 'EN003',
      message = format('an entity settles as COMPLETED or FAILED, not %s', quote_literal(p_status));
  end if;
  select w.entity_type into strict v_type from enrich.workflows w where w.slug = p_slug;

  -- Lock the batches of the items about to move, in id order, before anything else they
  -- lead to (next-step claims): keeps concurrent settlements free of lock-order deadlocks.
  perform 1 from enrich.batches b
   where b.id in (select i.batch_id from enrich.workflow_states ws
                   join enrich.batch_items i on i.id = ws.item_id
                  where ws.step_name = p_slug and ws.entity_id = p_entity_id
                    and ws.status in ('PENDING', 'IN_PROGRESS', 'WAITING', 'FAILED'))
   order by b.id
   for no key update;

  delete from enrich.dispatches d
   where d.workflow_slug = p_slug and d.entity_id = p_entity_id
  returning d.attempt into v_attempt;

  execute format($sql$
    update enrich.%1$I
       set status = $3,
           attempts = coalesce($5, attempts),
           last_error = case when $3 = 'FAILED' then $4 else last_error end,
           completed_at = case when $3 = 'COMPLETED' then now() end,
           failed_at = case when $3 = 'FAILED' then now() end,
           updated_at = now()
     where %2$I = $1 and workflow_slug = $2
  $sql$, v_type || '_workflow_states', v_type || '_id')
  using p_entity_id, p_slug, p_status, p_error, v_attempt;

  -- Cascade. A late result also completes items that had failed with the entity.
  update enrich.workflow_states ws
     set status = p_status,
         meta = case when p_status = 'FAILED'
                     then ws.meta || jsonb_build_object('error', p_error)
                     else ws.meta - 'error' end,
         completed_at = case when p_status = 'COMPLETED' then now() end,
         failed_at = case when p_status = 'FAILED' then now() end,
         updated_at = now()
   where ws.step_name = p_slug and ws.entity_id = p_entity_id
     and (ws.status in ('PENDING', 'IN_PROGRESS', 'WAITING')
          or (p_status = 'COMPLETED' and ws.status = 'FAILED'));
end;
$$;
comment on function enrich._settle_entity(text, uuid, text, text) is
  'Entity -> COMPLETED | FAILED: deletes its dispatch, updates its state, and cascades the '
  'same status to every linked unfinished item (COMPLETED also revives items that failed '
  'with it). The advance triggers then move those items on.';
