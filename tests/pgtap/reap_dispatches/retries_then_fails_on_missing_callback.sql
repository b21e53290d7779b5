begin;
select plan(4);

update enrich.workflows set max_attempts = 2 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select enrich_test.send_all();
select enrich_test.expire_dispatches();
select results_eq($$select * from enrich.reap_dispatches()$$, $$values (0, 1, 0)$$,
  'a callback past its deadline is retried');
select enrich_test.send_all();
select enrich_test.expire_dispatches();
select results_eq($$select * from enrich.reap_dispatches()$$, $$values (0, 0, 1)$$,
  'after max_attempts the entity fails');
select is((select meta ->> 'error' from enrich.workflow_states
            where step_name = 'enrich_company_via_waterfall_in_clay' limit 1),
  'gave up after 2 attempt(s): no callback before the deadline', 'the items say why');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'nothing is stuck');

select * from finish();
rollback;
