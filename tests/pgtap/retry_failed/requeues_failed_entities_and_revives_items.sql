begin;
select plan(5);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset
select enrich.fail_dispatch(:dispatch_id, 'w1', 'HTTP 400');
select is(enrich.retry_failed(p_batch_id => :'batch_id'), 1, 'one company re-queued');
select is(enrich.get_company_workflow_status(enrich_test.company_id('acme.com'),
            'enrich_company_via_waterfall_in_clay'), 'IN_PROGRESS', 'in progress again');
select results_eq($$select status from enrich.workflow_states where step_name like 'enrich%'$$,
  $$values ('WAITING'), ('WAITING')$$, 'its items wait again');
select is((select status from enrich.batches where id = :'batch_id'), 'IN_PROGRESS', 'the batch reopens');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'and completes');
select * from finish();
rollback;
