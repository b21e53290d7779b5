begin;
select plan(5);

select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', enrich_test.company_id('beta.io'), 'employees', 12)),
  'completed', 'answers completed');
select is(enrich.get_company_workflow_status(enrich_test.company_id('beta.io'),
            'enrich_company_via_waterfall_in_clay'), 'COMPLETED', 'the company is COMPLETED');
select is((select data from enrich.company_enrichment_results), '{"employees": 12}'::jsonb,
  'the result is stored without the correlation id');
select is(enrich_test.step_status(:'batch_id', 3, 'enrich_company_via_waterfall_in_clay')
          || '/' || enrich_test.step_status(:'batch_id', 4, 'enrich_company_via_waterfall_in_clay'),
  'COMPLETED/COMPLETED', 'both items of that company complete in the same transaction');
select is(enrich_test.step_status(:'batch_id', 1, 'enrich_company_via_waterfall_in_clay'),
  'IN_PROGRESS', 'other companies'' items are untouched');

select * from finish();
rollback;
