begin;
select plan(4);

-- a workflow moved to another workspace between a claim and its free outcome
select enrich.set_workspace('wa', 1000, 1000);
select enrich.set_workspace('wb', 1000, 1000);
select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_workspace => 'wa',
                           p_daily_budget => 2);
select enrich.create_batch('company', '[{"email": "a@a1.io"}, {"email": "b@b2.io"},
  {"email": "c@c3.io"}, {"email": "d@d4.io"}, {"email": "e@e5.io"}]');
select dispatch_id as first from enrich.claim_dispatches('w1', 1) \gset
select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_workspace => 'wb');
select dispatch_id as second from enrich.claim_dispatches('w2', 1) \gset
select enrich.mark_dispatch_sent(:second, 'w2');
select enrich.retry_dispatch(:first, 'w1', '0', 'HTTP 429', false);

select results_eq($$select workspace, calls from enrich.paid_calls order by workspace$$,
  $$values ('wa', 0), ('wb', 1)$$, 'the 429 gives back the call of the workspace that reserved it');
select is((select count(*) from enrich.claim_dispatches('w3', 10)), 1::bigint,
  'a budget of 2 with 1 paid: one more claim');
select is((select count(*) from enrich.check_invariants()
            where invariant = 'paid_calls_ledger_disagrees'), 0::bigint, 'the ledger agrees');
select is((select sum(calls) from enrich.paid_calls), 2::bigint, 'two paid calls in all');

select * from finish();
rollback;
