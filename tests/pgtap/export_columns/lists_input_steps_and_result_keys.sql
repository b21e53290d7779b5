begin;
select plan(5);
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

-- result fields: of the newest result of each entity of this batch only
insert into enrich.company_enrichment_results (company_id, workflow_slug, data, created_at)
select id, 'enrich_company_via_waterfall_in_clay', '{"older_field": 1}', now() - interval '1 day'
from enrich.normalized_companies where domain = 'acme.com';
select enrich.create_batch('company', '[{"email": "b@other.com"}, {"email": "c@third.com"}]')
  as other_batch \gset
select enrich_test.send_all();
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', (select id from enrich.normalized_companies
                                    where domain = 'other.com'), 'other_field', 'y'));
select is((select results from enrich.export_columns(:'batch_id')),
  '[{"workflow": "enrich_company_via_waterfall_in_clay", "fields": ["industry"]}]'::jsonb,
  'fields of the newest result of this batch''s entities, not older ones nor another batch''s');

-- error columns follow the failures: a retried failure no longer has one
select enrich.set_company_workflow_status((select id from enrich.normalized_companies
                                           where domain = 'third.com'),
  'enrich_company_via_waterfall_in_clay', 'FAILED', '{"error": "gone"}');
select is((select errors from enrich.export_columns(:'other_batch')),
  array['enrich_company_via_waterfall_in_clay'], 'a failed entity step has its error column');
select enrich.retry_failed(:'other_batch');
select is((select errors from enrich.export_columns(:'other_batch')), '{}'::text[],
  'once retried, no row has failed there: no error column');
select * from finish();
rollback;
