begin;
select plan(1);
select enrich.create_batch('company', '[{"email": "a@acme.com", "Region": "EU"}]') as batch_id \gset
select enrich_test.send_all();
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', (select id from enrich.normalized_companies), 'industry', 'x'));
select results_eq(
  format($$select input, steps, company, person from enrich.export_columns(%L)$$, :'batch_id'),
  $$values (array['email', 'region'],
            array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay'],
            array['industry'], '{}'::text[])$$,
  'input keys, steps, company and person result keys, sorted');
select * from finish();
rollback;
