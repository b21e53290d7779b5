begin;
select plan(8);

select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select is(enrich_test.deliver_all('enrich_company_via_waterfall_in_clay'), 3::bigint,
  '3 receive_result calls, one per company');

-- the seed plan's verification queries
select results_eq($$select status, count(*) from enrich.company_workflow_states group by status$$,
  $$values ('COMPLETED', 3::bigint)$$, 'company_workflow_states: 3 COMPLETED');
select is((select count(*) from enrich.company_enrichment_results), 3::bigint,
  'company_enrichment_results: 3 rows');
select results_eq(
  $$select step_name, status, count(*) from enrich.workflow_states
     where step_name = 'enrich_company_via_waterfall_in_clay' group by step_name, status$$,
  $$values ('enrich_company_via_waterfall_in_clay', 'COMPLETED', 6::bigint)$$,
  'all 6 items COMPLETED for the company step');
select results_eq(
  $$select meta ->> 'skipped' as skip_reason, count(*) from enrich.workflow_states
     where step_name = 'enrich_company_via_waterfall_in_clay' group by 1 order by 1 nulls last$$,
  $$values ('company_enrichment_in_progress', 3::bigint), (null, 3::bigint)$$,
  '3 items show meta.skipped (the duplicates)');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'the batch is COMPLETED');
select isnt((select completed_at from enrich.batches where id = :'batch_id'), null, 'with a timestamp');
select is((select count(*) from enrich.dispatches), 0::bigint, 'no dispatch is left');

select * from finish();
rollback;
