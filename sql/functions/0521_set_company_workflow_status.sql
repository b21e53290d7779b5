-- enrich.set_company_workflow_status: set a company's workflow status through the state
-- machine (see _set_entity_workflow_status).

create or replace function enrich.set_company_workflow_status(
  p_company_id uuid, p_workflow_slug text, p_status text, p_meta jsonb default null
) returns text
language sql set search_path = '' as $$
  select enrich._set_entity_workflow_status('company', p_company_id, p_workflow_slug, p_status, p_meta)
$$;
comment on function enrich.set_company_workflow_status(uuid, text, text, jsonb) is
  'Sets a company''s workflow status through the state machine; NULL if unknown.';
