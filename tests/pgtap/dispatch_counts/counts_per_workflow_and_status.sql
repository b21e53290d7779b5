begin;
select plan(1);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.com"}]');
select count(*) from enrich.claim_dispatches('test-worker', 1);
select results_eq($$select workflow_slug, status, dispatches from enrich.dispatch_counts()$$,
  $$values ('enrich_company_via_waterfall_in_clay', 'LEASED', 1::bigint),
           ('enrich_company_via_waterfall_in_clay', 'QUEUED', 1::bigint)$$,
  'per workflow and status');
select * from finish();
rollback;
