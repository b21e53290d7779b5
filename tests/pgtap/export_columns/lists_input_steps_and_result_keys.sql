begin;
select plan(2);
select enrich.create_batch('company', '[{"E-Mail": "a@acme.com", "region": "EU"}]') as batch_id \gset
select enrich_test.send_all();
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', (select id from enrich.normalized_companies), 'industry', 'x'));
select results_eq(
  format($$select input, steps, errors, results from enrich.export_columns(%L)$$, :'batch_id'),
  $$values ('[{"heading": "E-Mail", "key": "email"}, {"heading": "region", "key": "region"}]'::jsonb,
            array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay'],
            '{}'::text[],
            '[{"workflow": "enrich_company_via_waterfall_in_clay", "fields": ["industry"]}]'::jsonb)$$,
  'input keys as spelled (sorted), steps, no error step, result fields per workflow');

select enrich.create_batch('company', '[{"email": "a@gmail.com"}]') as failed_batch \gset
select is((select errors from enrich.export_columns(:'failed_batch')), array['split'],
  'the steps where some row has an error');
select * from finish();
rollback;
