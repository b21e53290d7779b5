begin;
select plan(3);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select is(enrich.get_company_workflow_status(enrich_test.company_id('acme.com'), 'enrich_company_via_waterfall_in_clay'),
  'IN_PROGRESS', 'claimed company');
select is(enrich.get_company_workflow_status(enrich_test.company_id('acme.com'), 'other'), null, 'other workflow: NULL');
select is(enrich.get_company_workflow_status(gen_random_uuid(), 'enrich_company_via_waterfall_in_clay'), null,
  'unknown company: NULL');
select * from finish();
rollback;
