begin;
select plan(9);

select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset

select is((select count(*) from enrich.normalized_companies), 3::bigint, '3 companies from 6 rows');
select is((select count(*) from enrich.company_workflow_states
            where workflow_slug = 'enrich_company_via_waterfall_in_clay'), 3::bigint,
  '3 entity claims');
select is((select count(*) from enrich.dispatches), 3::bigint, '3 dispatches queued');
select results_eq(
  format($$select * from enrich_test.step_counts(%L, 'enrich_company_via_waterfall_in_clay')$$, :'batch_id'),
  $$values ('IN_PROGRESS', 3::bigint), ('WAITING', 3::bigint)$$,
  'one item per company is IN_PROGRESS, the others WAITING');
select is((select count(*) from enrich.workflow_states
            where meta ->> 'skipped' = 'company_enrichment_in_progress'), 3::bigint,
  'the WAITING items say company_enrichment_in_progress');
select is((select count(*) from enrich.workflow_states
            where step_name = 'enrich_company_via_waterfall_in_clay'
              and meta ->> 'company_id' is null), 0::bigint,
  'every entity-step row carries meta.company_id');
select results_eq(
  format($$select * from enrich_test.step_counts(%L, 'split')$$, :'batch_id'),
  $$values ('COMPLETED', 6::bigint)$$, 'split completed for all 6 rows');
select is((select status from enrich.batches where id = :'batch_id'), 'IN_PROGRESS',
  'the batch is in progress while companies are out');
select is((select count(*) from enrich.batch_items where batch_id = :'batch_id' and status = 'COMPLETED'),
  0::bigint, 'no item is COMPLETED before its company''s data exists');

select * from finish();
rollback;
