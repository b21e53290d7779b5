begin;
select plan(2);
update enrich.workflows set max_attempts = 1 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset
select is(enrich.retry_dispatch(:dispatch_id, 'w1', '1 second', 'HTTP 429', false), 'QUEUED',
  'a 429 is re-queued even with max_attempts = 1');
select is((select attempt from enrich.dispatches where id = :dispatch_id), 0, 'and its attempt is given back');
select * from finish();
rollback;
