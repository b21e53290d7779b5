-- enrich.record_company_result: store a company's enrichment result without changing its
-- state (the state machine's callbacks go through receive_result).

create or replace function enrich.record_company_result(
  p_company_id uuid, p_workflow_slug text, p_data jsonb
) returns uuid
language sql set search_path = '' as $$
  select enrich._record_result('company', p_company_id, p_workflow_slug, p_data)
$$;
comment on function enrich.record_company_result(uuid, text, jsonb) is
  'Stores a company result (no state change); NULL if the company is unknown.';
