begin;
select plan(4);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset

select is(enrich.retry_dispatch(:dispatch_id, 'w2', '1 minute', 'HTTP 429'), null,
  'only the lease holder may retry');
select is(enrich.retry_dispatch(:dispatch_id, 'w1', '30 seconds', 'HTTP 429'), 'QUEUED', 'queued again');
select is((select available_at - now() from enrich.dispatches where id = :dispatch_id),
  interval '30 seconds', 'due after the delay (e.g. Retry-After)');
select is((select last_error from enrich.dispatches where id = :dispatch_id), 'HTTP 429', 'error kept');

select * from finish();
rollback;
