begin;
select plan(9);

-- default: no paid re-send
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select enrich_test.send_all();
select enrich_test.expire_dispatches();
select results_eq($$select * from enrich.reap_dispatches()$$, $$values (0, 0, 1)$$,
  'with resends 0, a callback past its deadline fails the entity');
select ok((select meta ->> 'error' from enrich.workflow_states
            where step_name = 'enrich_company_via_waterfall_in_clay' limit 1)
          like 'no_callback: Clay accepted the row (a paid call) but no result came within%',
  'the items say no_callback');
select ok((select last_error from enrich.company_workflow_states) like '%HTTP API column runs with no condition%',
  'and what to check in Clay');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'nothing is stuck');
select is((select sum(calls) from enrich.paid_calls), 1::bigint, 'one paid call, ever');

-- a late callback still completes the entity and its rows
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', (select company_id from enrich.company_workflow_states), 'x', 1));
select is((select count(*) from enrich.workflow_states
            where step_name = 'enrich_company_via_waterfall_in_clay' and status = 'COMPLETED'),
  2::bigint, 'a late callback completes both rows');

-- resends 1: one paid re-send, then no_callback
update enrich.workflows set resends = 1 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "c@beta.io"}]') as beta_batch \gset
select enrich_test.send_all();
select enrich_test.expire_dispatches();
select results_eq($$select * from enrich.reap_dispatches()$$, $$values (0, 1, 0)$$,
  'with resends 1, the first missing callback is re-sent');
select enrich_test.send_all();
select enrich_test.expire_dispatches();
select results_eq($$select * from enrich.reap_dispatches()$$, $$values (0, 0, 1)$$,
  'the second fails the entity');
select results_eq(
  format($$select cause, calls from enrich.paid_calls where batch_id = %L order by cause$$,
         :'beta_batch'),
  $$values ('batch', 1), ('resend', 1)$$,
  'the ledger books the first call and the re-send to the batch, apart');

select * from finish();
rollback;
