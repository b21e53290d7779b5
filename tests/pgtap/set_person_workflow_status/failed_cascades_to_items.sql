begin;
select plan(3);
select enrich.create_batch('company_and_person', '[{"email": "a@acme.com"}]') as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich.set_person_workflow_status((select id from enrich.normalized_people),
            'enrich_person_via_waterfall_in_clay', 'FAILED', '{"error": "no such person"}'), 'FAILED', 'set');
select is((select meta ->> 'error' from enrich.workflow_states where step_name = 'enrich_person_via_waterfall_in_clay'),
  'no such person', 'the item failed with the error');
select is(enrich.set_person_workflow_status(gen_random_uuid(), 'enrich_person_via_waterfall_in_clay', 'FAILED'),
  null, 'unknown person: NULL');
select * from finish();
rollback;
