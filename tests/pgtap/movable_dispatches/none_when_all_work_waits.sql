begin;
select plan(2);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select is(enrich.movable_dispatches(array['enrich_company_via_waterfall_in_clay']), 1::bigint,
  'a queued dispatch can move');
select enrich.pause_workflow('enrich_company_via_waterfall_in_clay');
select is(enrich.movable_dispatches(array['enrich_company_via_waterfall_in_clay']), 0::bigint,
  'paused: nothing can');
select * from finish();
rollback;
