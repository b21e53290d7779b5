begin;
select plan(4);

-- the first batch's companies are enriched; its people are still being enriched
select enrich.create_batch('company_and_person', enrich_test.stage7_rows()) as first_batch \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich.create_batch('company_and_person', enrich_test.stage7_rows()) as second_batch \gset

select results_eq(
  format($$select * from enrich_test.step_counts(%L, 'enrich_company_via_waterfall_in_clay')$$, :'second_batch'),
  $$values ('COMPLETED', 6::bigint)$$, 'the second batch''s items complete the company step at once');
select results_eq(
  format($$select * from enrich_test.step_counts(%L, 'enrich_person_via_waterfall_in_clay')$$, :'second_batch'),
  $$values ('WAITING', 6::bigint)$$,
  'and enter the person step in the same transaction, waiting on the first batch''s claims');
select is((select count(*) from enrich.person_workflow_states), 6::bigint, 'no new person claim');
select is((select status from enrich.batches where id = :'second_batch'), 'IN_PROGRESS',
  'the batch is in progress');

select * from finish();
rollback;
