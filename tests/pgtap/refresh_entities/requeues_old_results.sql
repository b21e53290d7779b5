begin;
select plan(4);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.com"}]');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
update enrich.company_workflow_states set completed_at = now() - interval '40 days'
 where company_id = enrich_test.company_id('acme.com');
select is(enrich.refresh_entities('enrich_company_via_waterfall_in_clay', interval '30 days'), 1,
  'only the old result is refreshed');
select is((select count(*) from enrich.dispatches), 1::bigint, 'and sent again');
select throws_ok($$select enrich.refresh_entities('enrich_company_via_waterfall_in_clay')$$, 'EN003', null,
  'refresh needs an age or an id');
select throws_ok($$select enrich.refresh_entities('nope', interval '1 day')$$, 'EN001', null, 'unknown workflow');
select * from finish();
rollback;
