-- enrich._record_result: store one enrichment result for an entity (no state change).
-- record_company_result / record_person_result are its public names.

create or replace function enrich._record_result(
  p_entity_type text, p_entity_id uuid, p_workflow_slug text, p_data jsonb
) returns uuid
language plpgsql set search_path = '' as $$
declare
  v_result_id uuid;
begin
  execute format($sql$
    insert into enrich.%1$I (%2$I, workflow_slug, data)
    select e.id, $2, $3 - array['company_id', 'person_id', 'item_id']
    from enrich.%3$I e where e.id = $1
    returning id
  $sql$, p_entity_type || '_enrichment_results', p_entity_type || '_id',
         case p_entity_type when 'company' then 'normalized_companies' else 'normalized_people' end)
    into v_result_id using p_entity_id, p_workflow_slug, p_data;
  return v_result_id;
end;
$$;
comment on function enrich._record_result(text, uuid, text, jsonb) is
  'Inserts a result row for an entity (correlation ids stripped); NULL if no such entity.';
