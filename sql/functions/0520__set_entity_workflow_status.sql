-- enrich._set_entity_workflow_status: an operator sets an entity's workflow status, routed
-- through the state machine so that a "set" never skips the dispatch outbox or the cascade.

create or replace function enrich._set_entity_workflow_status(
  p_entity_type text, p_entity_id uuid, p_workflow_slug text, p_status text, p_meta jsonb
) returns text
language plpgsql set search_path = '' as $$
declare
  v_states   text;
  v_id       text;
  v_entities text;
  v_old      text;
begin
  select t.states, t.id_column, t.entities into v_states, v_id, v_entities
  from enrich._entity_tables(p_entity_type) t;
  if p_status is null or p_status not in ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED') then
    raise exception using errcode = 'EN003',
      message = format('invalid status %s (PENDING, IN_PROGRESS, COMPLETED or FAILED)',
                       coalesce(quote_literal(p_status), 'NULL'));
  end if;
  -- locked: entity states have no per-row foreign key to their workflow (migration 0007)
  perform from enrich.workflows w
   where w.slug = p_workflow_slug and w.entity_type = p_entity_type for key share;
  if not found then
    return null;
  end if;

  execute format($sql$
    insert into enrich.%1$I (%2$I, workflow_slug)
    select e.id, $2 from enrich.%3$I e where e.id = $1
    on conflict (%2$I, workflow_slug) do nothing
  $sql$, v_states, v_id, v_entities)
    using p_entity_id, p_workflow_slug;
  execute format('select status from enrich.%I where %I = $1 and workflow_slug = $2 for update',
                 v_states, v_id)
    into v_old using p_entity_id, p_workflow_slug;
  if v_old is null then
    return null;
  end if;
  if v_old = 'IN_PROGRESS' and p_status = 'PENDING' then
    raise exception using errcode = 'EN005',
      message = 'an IN_PROGRESS entity cannot go back to PENDING (items are waiting on it)';
  end if;

  if p_meta is not null then
    execute format('update enrich.%I set meta = coalesce(meta, ''{}'') || $3, updated_at = now()
                     where %I = $1 and workflow_slug = $2', v_states, v_id)
      using p_entity_id, p_workflow_slug, p_meta;
  end if;

  if p_status in ('COMPLETED', 'FAILED') and v_old <> p_status then
    perform enrich._settle_entity(p_workflow_slug, p_entity_id, p_status,
      coalesce(p_meta ->> 'error', format('set to FAILED by set_%s_workflow_status', p_entity_type)));
  elsif p_status in ('PENDING', 'IN_PROGRESS') and v_old <> p_status then
    execute format($sql$
      update enrich.%1$I
         set status = $3, started_at = case when $3 = 'IN_PROGRESS' then now() else started_at end,
             completed_at = null, failed_at = null, updated_at = now()
       where %2$I = $1 and workflow_slug = $2
    $sql$, v_states, v_id) using p_entity_id, p_workflow_slug, p_status;
    if p_status = 'IN_PROGRESS' then
      perform enrich._queue_dispatches(p_workflow_slug, p_entity_type, array[p_entity_id], 'manual');
    end if;
  end if;
  return p_status;
end;
$$;
comment on function enrich._set_entity_workflow_status(text, uuid, text, text, jsonb) is
  'Moves an entity''s workflow state through the state machine: IN_PROGRESS queues a '
  'dispatch; COMPLETED / FAILED settle it and cascade to its items. NULL if the entity or '
  'workflow is unknown.';
