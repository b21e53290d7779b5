begin;
select plan(4);

select enrich.create_batch('company', enrich_test.stage7_rows()) as first_batch \gset
select enrich.create_batch('company', '[{"email": "new@alpha.com"}]') as second_batch \gset

select is(enrich_test.step_status(:'second_batch', 1, 'enrich_company_via_waterfall_in_clay'),
  'WAITING', 'an item of a company already in flight waits');
select is((select count(*) from enrich.dispatches), 3::bigint, 'no second dispatch for it');
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', enrich_test.company_id('alpha.com'))), 'completed',
  'the company''s result arrives');
select is(enrich_test.step_status(:'second_batch', 1, 'enrich_company_via_waterfall_in_clay'),
  'COMPLETED', 'the waiting item of the other batch completes with it');

select * from finish();
rollback;
