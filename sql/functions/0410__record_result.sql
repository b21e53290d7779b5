-- enrich._record_result: store enrichment results for entities (no state change), the one
-- insert of a result: receive_results and record_company_result / record_person_result use it.

create or replace function enrich._record_result(
  p_entity_type text, p_entity_ids uuid[], p_workflow_slug text, p_data jsonb[]
) returns setof uuid
language plpgsql set search_path = '' as $$
declare
  v_tables record;
begin
  select t.results, t.id_column, t.entities into v_tables
  from enrich._entity_tables(p_entity_type) t;
  return query execute format($sql$
    insert into enrich.%1$I (%2$I, workflow_slug, data)
    select e.id, $2, r.data - array['company_id', 'person_id', 'item_id']
    from unnest($1, $3) as r(entity_id, data)
    join enrich.%3$I e on e.id = r.entity_id
    returning id
  $sql$, v_tables.results, v_tables.id_column, v_tables.entities)
    using p_entity_ids, p_workflow_slug, p_data;
end;
$$;
comment on function enrich._record_result(text, uuid[], text, jsonb[]) is
  'Inserts a result row per entity (parallel arrays of ids and data, correlation ids '
  'company_id, person_id and item_id stripped from the data); entities that do not exist '
  'are skipped. Returns the new rows'' ids.';

create or replace function enrich._record_result(
  p_entity_type text, p_entity_id uuid, p_workflow_slug text, p_data jsonb
) returns uuid
language sql set search_path = '' as $$
  select enrich._record_result(p_entity_type, array[p_entity_id], p_workflow_slug, array[p_data])
$$;
comment on function enrich._record_result(text, uuid, text, jsonb) is
  'Inserts a result row for an entity (correlation ids stripped); NULL if no such entity.';
