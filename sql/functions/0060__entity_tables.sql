-- enrich._entity_tables: which tables and columns an entity type (company, person) uses. The
-- one place their names are spelled, for the functions that work on either type dynamically.

create or replace function enrich._entity_tables(p_entity_type text)
returns table (states text, id_column text, entities text, results text)
language sql immutable parallel safe set search_path = '' as $$
  select t.states, t.id_column, t.entities, t.results
  from (values
    ('company', 'company_workflow_states', 'company_id', 'normalized_companies',
     'company_enrichment_results'),
    ('person', 'person_workflow_states', 'person_id', 'normalized_people',
     'person_enrichment_results')
  ) as t(entity_type, states, id_column, entities, results)
  where t.entity_type = p_entity_type
$$;
comment on function enrich._entity_tables(text) is
  'For an entity type: its workflow-states table, the id column naming an entity there (and '
  'in batch_items, dispatches'' payloads and callbacks), its entities table and its results '
  'table. No row for an unknown type.';
