-- A workflow's callbacks carry a company_id or a person_id: once it has entities, its
-- entity type cannot change (their paid results would be refused).
begin;
select plan(3);
select enrich.set_workflow('enrich_fresh', p_create => true);
select lives_ok($$select enrich.set_workflow('enrich_fresh', p_entity_type => 'person')$$,
  'a workflow without entities may change its entity type');
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select throws_ok($$select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_entity_type => 'person')$$,
  'EN005', null, 'one with entities may not');
select is((select entity_type from enrich.workflows where slug = 'enrich_company_via_waterfall_in_clay'),
  'company', 'and keeps its type');
select * from finish();
rollback;
