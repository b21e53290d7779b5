begin;
select plan(4);

select enrich.create_batch('company', enrich_test.stage7_rows());
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('beta.io'), 'v', 1));
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', enrich_test.company_id('beta.io'), 'v', 2)),
  'duplicate', 'a repeat answers duplicate');
select is((select count(*) from enrich.company_enrichment_results), 1::bigint, 'one result row');
select is((select data ->> 'v' from enrich.company_enrichment_results), '1', 'the first result stands');
select results_eq($$select outcome from enrich.callback_log order by id$$,
  $$values ('completed'), ('duplicate')$$, 'both callbacks are logged');

select * from finish();
rollback;
