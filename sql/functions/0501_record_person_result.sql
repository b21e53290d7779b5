-- enrich.record_person_result: store a person's enrichment result without changing its
-- state (the state machine's callbacks go through receive_result).

create or replace function enrich.record_person_result(
  p_person_id uuid, p_workflow_slug text, p_data jsonb
) returns uuid
language sql set search_path = '' as $$
  select enrich._record_result('person', p_person_id, p_workflow_slug, p_data)
$$;
comment on function enrich.record_person_result(uuid, text, jsonb) is
  'Stores a person result (no state change); NULL if the person is unknown.';
