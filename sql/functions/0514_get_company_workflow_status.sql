-- enrich.get_company_workflow_status: a company's state in one workflow.
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_company_workflow_status(
  p_company_id uuid, p_workflow_slug text
) returns text
language sql stable set search_path = '' as $$
  select s.status from enrich.company_workflow_states s
  where s.company_id = p_company_id and s.workflow_slug = p_workflow_slug
$$;
comment on function enrich.get_company_workflow_status(uuid, text) is
  'A company''s state in a workflow: PENDING | IN_PROGRESS | COMPLETED | FAILED; NULL '
  'if never claimed.';
