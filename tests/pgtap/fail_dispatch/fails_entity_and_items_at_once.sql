begin;
select plan(4);

select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]');
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset

select is(enrich.fail_dispatch(:dispatch_id, 'w2', 'x'), false, 'only the lease holder may fail it');
select is(enrich.fail_dispatch(:dispatch_id, 'w1', 'HTTP 400: bad payload'), true, 'failed');
select is((select last_error from enrich.company_workflow_states), 'HTTP 400: bad payload',
  'the entity keeps the error');
select is((select count(*) from enrich.batch_items where status = 'FAILED'), 2::bigint,
  'its items failed with it');

select * from finish();
rollback;
