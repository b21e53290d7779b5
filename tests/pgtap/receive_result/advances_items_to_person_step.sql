begin;
select plan(5);

select enrich.create_batch('company_and_person', enrich_test.stage7_rows()) as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');

select results_eq(
  format($$select * from enrich_test.step_counts(%L, 'enrich_person_via_waterfall_in_clay')$$, :'batch_id'),
  $$values ('IN_PROGRESS', 6::bigint)$$, 'each of the 6 people is claimed once');
select is((select count(*) from enrich.dispatches where entity_type = 'person'), 6::bigint,
  '6 person dispatches');
select is((select count(*) from enrich.workflow_states
            where step_name = 'enrich_person_via_waterfall_in_clay' and meta ? 'person_id'), 6::bigint,
  'person-step rows carry meta.person_id');
select is(enrich_test.deliver_all('enrich_person_via_waterfall_in_clay'), 6::bigint, '6 person results');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED',
  'the batch completes after its last step');

select * from finish();
rollback;
