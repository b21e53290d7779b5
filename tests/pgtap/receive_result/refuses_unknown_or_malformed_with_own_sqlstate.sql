begin;
select plan(8);

select enrich.create_batch('company', enrich_test.stage7_rows());
select throws_ok($$select enrich.receive_result('nope', '{"company_id": "00000000-0000-0000-0000-000000000000"}')$$,
  'EN001', 'unknown workflow ''nope''', 'unknown workflow: EN001');
select throws_ok($$select enrich.receive_result('enrich_company_via_waterfall_in_clay',
                    '{"company_id": "00000000-0000-0000-0000-000000000000"}')$$,
  'EN002', null, 'unknown company: EN002');
select throws_ok($$select enrich.receive_result('enrich_company_via_waterfall_in_clay', '{"x": 1}')$$,
  'EN003', null, 'no id: EN003');
select throws_ok($$select enrich.receive_result('enrich_company_via_waterfall_in_clay', '{"company_id": "1; drop table x"}')$$,
  'EN003', null, 'an id that is not a UUID: EN003');
select throws_ok($$select enrich.receive_result('enrich_company_via_waterfall_in_clay', '{"company_id": 7}')$$,
  'EN003', null, 'an id of the wrong type: EN003');
select throws_ok($$select enrich.receive_result('enrich_company_via_waterfall_in_clay', '[1, 2]')$$,
  'EN003', 'callback body must be a JSON object', 'not an object: EN003');
select throws_ok($$select enrich.receive_result('enrich_person_via_waterfall_in_clay',
                    jsonb_build_object('person_id', enrich_test.company_id('beta.io')))$$,
  'EN002', null, 'a company id sent to a person workflow: EN002');
select is((select count(*) from enrich.callback_log) + (select count(*) from enrich.company_enrichment_results),
  0::bigint, 'nothing was recorded');

select * from finish();
rollback;
