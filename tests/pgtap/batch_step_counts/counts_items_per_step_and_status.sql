begin;
select plan(1);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select results_eq(
  format($$select step, status, items, skipped from enrich.batch_step_counts(%L)$$, :'batch_id'),
  $$values ('normalize_all_core_values', 'COMPLETED', 6::bigint, 0::bigint),
           ('split', 'COMPLETED', 6::bigint, 0::bigint),
           ('enrich_company_via_waterfall_in_clay', 'IN_PROGRESS', 3::bigint, 0::bigint),
           ('enrich_company_via_waterfall_in_clay', 'WAITING', 3::bigint, 3::bigint)$$,
  'steps in pipeline order: 3 items claim their company, 3 wait on them without a call');
select * from finish();
rollback;
