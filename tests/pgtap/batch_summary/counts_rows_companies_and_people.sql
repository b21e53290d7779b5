begin;
select plan(2);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select results_eq(
  format($$select pipeline, status, rows, companies, people from enrich.batch_summary(%L)$$, :'batch_id'),
  $$values ('company', 'IN_PROGRESS', 6, 3::bigint, 6::bigint)$$,
  '6 rows, 3 companies, 6 people');
select is((select count(*) from enrich.batch_summary(gen_random_uuid())), 0::bigint,
  'an unknown batch: no row');
select * from finish();
rollback;
