begin;
select plan(5);

-- a worker claims, then dies: whether its POST reached Clay is unknown
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select count(*) from enrich.claim_dispatches('dead-worker', 10);
select enrich_test.expire_dispatches();

select results_eq($$select * from enrich.reap_dispatches()$$, $$values (1, 0, 0)$$,
  'one expired lease');
select is((select status from enrich.dispatches), 'SENT',
  'it waits for its callback like a sent dispatch: Clay may have accepted the row');
select is((select count(*) from enrich.claim_dispatches('live-worker', 10)), 0::bigint,
  'no other worker sends it again');
select is((select sum(calls) from enrich.paid_calls), 1::bigint, 'the ledger keeps its paid call');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is((select paid_calls from enrich.company_workflow_states), 1,
  'its callback completes it: one paid call for the entity');

select * from finish();
rollback;
