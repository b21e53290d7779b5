-- A name names every company whose rows carried it: two companies with one name and
-- different domains are both found, and so is the company known by that name alone.
begin;
select plan(3);

select enrich.create_batch('company', '[
  {"company_domain": "initech.com", "company_name": "Initech"},
  {"company_domain": "initech.de", "company_name": "Initech GmbH"}]');
select enrich.create_batch('company', '[{"company_name": "INITECH, Inc."}]');

select set_eq($$select coalesce(e ->> 'domain', e #>> '{identifiers,0,value}')
                from jsonb_array_elements(enrich.lookup_entity('Initech') -> 'entities') e$$,
  array['initech.com', 'initech.de', 'name:initech'],
  'both companies of that name, and the one known by the name alone');
select is(enrich.lookup_entity('Initech') -> 'read_as',
  '[{"entity_type": "company", "kind": "name", "value": "name:initech"}]'::jsonb,
  'read as the name a load would compare');
select is(jsonb_array_length(enrich.lookup_entity('name:Initech Inc') -> 'entities'), 3,
  'the stored key form finds them too');

select * from finish();
rollback;
