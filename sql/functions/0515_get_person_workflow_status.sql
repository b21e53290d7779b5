-- enrich.get_person_workflow_status: a person's state in one workflow.
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_person_workflow_status(
  p_person_id uuid, p_workflow_slug text
) returns text
language sql stable set search_path = '' as $$
  select s.status from enrich.person_workflow_states s
  where s.person_id = p_person_id and s.workflow_slug = p_workflow_slug
$$;
comment on function enrich.get_person_workflow_status(uuid, text) is
  'A person''s state in a workflow: PENDING | IN_PROGRESS | COMPLETED | FAILED; NULL '
  'if never claimed.';
