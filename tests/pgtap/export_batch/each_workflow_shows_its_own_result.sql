-- Two company workflows in one pipeline: each gives its own result of the company, never
-- the other's newest one.
begin;
select plan(2);
select enrich.set_workflow('company_headcount', array['http://clay.test/headcount'],
                           p_entity_type => 'company', p_create => true);
select enrich.set_pipeline('company_twice', array['normalize_all_core_values', 'split',
  'enrich_company_via_waterfall_in_clay', 'company_headcount']);
select enrich.create_batch('company_twice', '[{"email": "a@acme.com"}]') as batch_id \gset
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('acme.com'), 'industry', 'Tools'));
select enrich.receive_result('company_headcount',
  jsonb_build_object('company_id', enrich_test.company_id('acme.com'), 'headcount', 40));
select is((select record -> 'results' from enrich.export_batch(:'batch_id')),
  '{"enrich_company_via_waterfall_in_clay": {"industry": "Tools"},
    "company_headcount": {"headcount": 40}}'::jsonb,
  'one result per workflow');
select results_eq(
  format($$select results from enrich.export_columns(%L)$$, :'batch_id'),
  $$values ('[{"workflow": "enrich_company_via_waterfall_in_clay", "fields": ["industry"]},
              {"workflow": "company_headcount", "fields": ["headcount"]}]'::jsonb)$$,
  'the header has each workflow''s fields, in step order');
select * from finish();
rollback;
