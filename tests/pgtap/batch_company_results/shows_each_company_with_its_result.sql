begin;
select plan(1);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select results_eq(
  format($$select domain, status, items, result from enrich.batch_company_results(%L)$$, :'batch_id'),
  $$values ('alpha.com', 'COMPLETED', 2::bigint, '{"enriched": true}'::jsonb),
           ('beta.io', 'COMPLETED', 2::bigint, '{"enriched": true}'::jsonb),
           ('gamma.co.uk', 'COMPLETED', 2::bigint, '{"enriched": true}'::jsonb)$$,
  'each company, its state, its items and its current result');
select * from finish();
rollback;
