begin;
select plan(11);

-- enrich._entity_tables is the one place the per-type names are spelled: each must exist.
select has_column('enrich', t.states, t.id_column, format('%s has %s', t.states, t.id_column))
  from enrich._entity_tables('company') t;
select has_column('enrich', t.states, t.id_column, format('%s has %s', t.states, t.id_column))
  from enrich._entity_tables('person') t;
select has_column('enrich', 'batch_items', t.id_column, format('batch_items has %s', t.id_column))
  from enrich._entity_tables('company') t;
select has_column('enrich', 'batch_items', t.id_column, format('batch_items has %s', t.id_column))
  from enrich._entity_tables('person') t;
select has_column('enrich', t.results, t.id_column, format('%s has %s', t.results, t.id_column))
  from enrich._entity_tables('company') t;
select has_column('enrich', t.results, t.id_column, format('%s has %s', t.results, t.id_column))
  from enrich._entity_tables('person') t;
select has_table('enrich', t.entities, format('%s exists', t.entities))
  from enrich._entity_tables('company') t;
select has_table('enrich', t.entities, format('%s exists', t.entities))
  from enrich._entity_tables('person') t;
select is((select count(*) from enrich._entity_tables('robot')), 0::bigint,
  'an unknown entity type has no tables');
select is((select t.id_column from enrich._entity_tables('company') t), 'company_id',
  'a company is named by company_id');
select is((select t.id_column from enrich._entity_tables('person') t), 'person_id',
  'a person is named by person_id');

select * from finish();
rollback;
