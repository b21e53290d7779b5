begin;
select plan(5);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select enrich.pause_workflow('enrich_company_via_waterfall_in_clay');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 0::bigint,
  'nothing is claimed while paused');
select is((select kind from enrich.dispatch_wait_reasons()), 'paused', 'the wait says paused');
select is((enrich.describe_workflow('enrich_company_via_waterfall_in_clay') ->> 'paused')::boolean,
  true, 'describe says paused');
select enrich.pause_workflow('enrich_company_via_waterfall_in_clay', false);
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 1::bigint, 'resumed: claimed');
select throws_ok($$select enrich.pause_workflow('no_such_workflow')$$, 'EN001',
  'unknown workflow ''no_such_workflow''', 'an unknown workflow is refused');

select * from finish();
rollback;
