begin;
select plan(4);
select enrich.create_batch('company', enrich_test.stage7_rows());
select throws_ok($$select enrich.set_company_workflow_status(enrich_test.company_id('beta.io'),
                    'enrich_company_via_waterfall_in_clay', 'DONE')$$, 'EN003', null, 'unknown status refused');
select throws_ok($$select enrich.set_company_workflow_status(enrich_test.company_id('beta.io'),
                    'enrich_company_via_waterfall_in_clay', 'PENDING')$$, 'EN005', null,
  'IN_PROGRESS cannot go back to PENDING while items wait');
select is(enrich.set_company_workflow_status(enrich_test.company_id('beta.io'), 'nope', 'COMPLETED'), null,
  'unknown workflow: NULL');
select is(enrich.set_company_workflow_status(enrich_test.company_id('beta.io'),
            'enrich_person_via_waterfall_in_clay', 'COMPLETED'), null, 'a person workflow: NULL');
select * from finish();
rollback;
