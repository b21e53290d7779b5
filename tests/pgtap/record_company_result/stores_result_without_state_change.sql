begin;
select plan(3);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select isnt(enrich.record_company_result(enrich_test.company_id('acme.com'),
              'enrich_company_via_waterfall_in_clay', '{"x": 1}'), null, 'returns the result id');
select is(enrich.get_company_workflow_status(enrich_test.company_id('acme.com'),
            'enrich_company_via_waterfall_in_clay'), 'IN_PROGRESS', 'the state is unchanged');
select is(enrich.record_company_result(gen_random_uuid(), 'enrich_company_via_waterfall_in_clay', '{}'), null,
  'unknown company: NULL');
select * from finish();
rollback;
