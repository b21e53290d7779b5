begin;
select plan(5);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select is(enrich.set_company_workflow_status(enrich_test.company_id('beta.io'),
            'enrich_company_via_waterfall_in_clay', 'COMPLETED', '{"note": "manual"}'), 'COMPLETED', 'set');
select is(enrich_test.step_status(:'batch_id', 4, 'enrich_company_via_waterfall_in_clay'), 'COMPLETED',
  'a set COMPLETED goes through the cascade');
select is((select count(*) from enrich.dispatches), 2::bigint, 'its dispatch is gone');
select is((select meta ->> 'note' from enrich.company_workflow_states
            where company_id = enrich_test.company_id('beta.io')), 'manual', 'meta merged');
select is(enrich.set_company_workflow_status(gen_random_uuid(), 'enrich_company_via_waterfall_in_clay', 'COMPLETED'),
  null, 'unknown company: NULL');
select * from finish();
rollback;
