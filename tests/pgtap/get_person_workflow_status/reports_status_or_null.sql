begin;
select plan(2);
select enrich.create_batch('company_and_person', '[{"email": "a@acme.com"}]');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich.get_person_workflow_status((select id from enrich.normalized_people), 'enrich_person_via_waterfall_in_clay'),
  'IN_PROGRESS', 'claimed person after the company step');
select is(enrich.get_person_workflow_status(gen_random_uuid(), 'enrich_person_via_waterfall_in_clay'), null,
  'unknown person: NULL');
select * from finish();
rollback;
