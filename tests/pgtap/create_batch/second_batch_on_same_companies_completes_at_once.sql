begin;
select plan(5);

select enrich.create_batch('company', enrich_test.stage7_rows()) as first_batch \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich.create_batch('company', enrich_test.stage7_rows()) as second_batch \gset

select is((select count(*) from enrich.company_workflow_states), 3::bigint, 'no new claim');
select is((select count(*) from enrich.dispatches), 0::bigint, 'nothing to send');
select results_eq(
  format($$select * from enrich_test.step_counts(%L, 'enrich_company_via_waterfall_in_clay')$$, :'second_batch'),
  $$values ('COMPLETED', 6::bigint)$$, 'all 6 items complete at once');
select is((select count(*) from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id
            where i.batch_id = :'second_batch' and ws.meta ->> 'skipped' = 'company_already_enriched'),
  6::bigint, 'with meta.skipped = company_already_enriched');
select is((select status from enrich.batches where id = :'second_batch'), 'COMPLETED',
  'and the batch is COMPLETED in the same transaction');

select * from finish();
rollback;
