-- enrich.set_person_workflow_status: set a person's workflow status through the state
-- machine (see _set_entity_workflow_status).

create or replace function enrich.set_person_workflow_status(
  p_person_id uuid, p_workflow_slug text, p_status text, p_meta jsonb default null
) returns text
language sql set search_path = '' as $$
  select enrich._set_entity_workflow_status('person', p_person_id, p_workflow_slug, p_status, p_meta)
$$;
comment on function enrich.set_person_workflow_status(uuid, text, text, jsonb) is
  'Sets a person''s workflow status through the state machine; NULL if unknown.';
