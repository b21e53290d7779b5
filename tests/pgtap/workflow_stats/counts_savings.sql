begin;
select plan(3);
update enrich.workflows set credits_per_call = 2 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', enrich_test.stage7_rows());
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select results_eq(
  $$select entities_enriched, items_served, dedupe_ratio, paid_calls, calls_saved, credits_saved
      from enrich.workflow_stats() where workflow_slug = 'enrich_company_via_waterfall_in_clay'$$,
  $$values (3::bigint, 6::bigint, 2.00::numeric, 3::bigint, 3::bigint, 6::numeric)$$,
  '3 companies served 6 items: 3 calls made, 3 saved, 6 credits saved');
select is((select count(*) from enrich.workflow_stats(now() + interval '1 day')
            where entities_enriched > 0), 0::bigint, '--since filters');
select is((select failures from enrich.workflow_stats() where workflow_slug = 'enrich_company_via_waterfall_in_clay'),
  '{}'::jsonb, 'no failures');
select * from finish();
rollback;
