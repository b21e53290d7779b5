begin;
select plan(1);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select results_eq(
  format($$select step, items, entities, sent from enrich.batch_savings(%L)$$, :'batch_id'),
  $$values ('enrich_company_via_waterfall_in_clay', 6::bigint, 3::bigint, 3::bigint)$$,
  '6 items, 3 companies, 3 calls');
select * from finish();
rollback;
