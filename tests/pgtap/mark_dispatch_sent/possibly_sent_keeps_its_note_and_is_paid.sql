begin;
select plan(4);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select dispatch_id as id from enrich.claim_dispatches('w1', 1) \gset
select is(enrich.mark_dispatch_sent(array[:id]::bigint[], 'w1', 'HTTP 504: gateway timeout'), 1,
  'a 504 is recorded as sent');
select is((select last_error from enrich.dispatches), 'HTTP 504: gateway timeout', 'with its note');
select is((select paid_calls from enrich.dispatches), 1, 'paid');
select is(enrich.mark_dispatch_sent(array[:id]::bigint[], 'w1'), 0,
  'a second record changes nothing (no longer leased)');

select * from finish();
rollback;
