-- enrich.receive_result: a Clay callback. Records the result against the entity, completes
-- the entity and cascades to every linked item. Idempotent: a repeat answers 'duplicate'.

create or replace function enrich.receive_result(p_workflow text, p_payload jsonb) returns text
language plpgsql set search_path = '' as $$
declare
  v_type      text;
  v_id_key    text;
  v_id_text   text;
  v_entity_id uuid;
  v_status    text;
  v_outcome   text;
begin
  v_type := enrich._workflow_entity_type(p_workflow);
  if jsonb_typeof(p_payload) is distinct from 'object' then
    raise exception using errcode = 'EN003', message = 'callback body must be a JSON object';
  end if;

  v_id_key := v_type || '_id';
  if p_payload ? v_id_key then
    v_id_text := p_payload ->> v_id_key;
  elsif p_payload ? 'item_id' then
    v_id_key := 'item_id';
    v_id_text := p_payload ->> 'item_id';
  else
    raise exception using errcode = 'EN003',
      message = format('callback for %s needs %s (or a batch item_id)', p_workflow, v_type || '_id');
  end if;
  if v_id_text is null
     or v_id_text !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' then
    raise exception using errcode = 'EN003',
      message = format('%s must be a UUID, got %s', v_id_key, left(coalesce(p_payload -> v_id_key, 'null')::text, 80));
  end if;

  if v_id_key = 'item_id' then
    execute format('select %I from enrich.batch_items where id = $1', v_type || '_id')
      into v_entity_id using v_id_text::uuid;
    if v_entity_id is null then
      raise exception using errcode = 'EN002',
        message = format('unknown item %s (or it has no %s)', v_id_text, v_type);
    end if;
  else
    v_entity_id := v_id_text::uuid;
  end if;

  -- The entity row lock serialises concurrent callbacks for one entity: one completes it,
  -- the others see COMPLETED and answer 'duplicate'.
  execute format('select status from enrich.%I where %I = $1 and workflow_slug = $2 for update',
                 v_type || '_workflow_states', v_type || '_id')
    into v_status using v_entity_id, p_workflow;
  if v_status is null then
    raise exception using errcode = 'EN002',
      message = format('unknown %s %s for workflow %s', v_type, v_entity_id, p_workflow);
  end if;

  if v_status = 'COMPLETED' then
    v_outcome := 'duplicate';
  else
    perform enrich._record_result(v_type, v_entity_id, p_workflow, p_payload);
    perform enrich._settle_entity(p_workflow, v_entity_id, 'COMPLETED');
    v_outcome := 'completed';
  end if;

  insert into enrich.callback_log (workflow_slug, entity_type, entity_id, outcome, payload)
  values (p_workflow, v_type, v_entity_id, v_outcome, p_payload);
  return v_outcome;
end;
$$;
comment on function enrich.receive_result(text, jsonb) is
  'Clay callback: correlates on company_id / person_id (or a batch item_id), stores the '
  'result, completes the entity (even after a timeout or failure: paid-for data is kept) and '
  'cascades to its items. Returns completed | duplicate. Errors: EN001 unknown workflow, '
  'EN002 unknown entity, EN003 malformed payload. Callable over PostgREST/Supabase RPC.';
