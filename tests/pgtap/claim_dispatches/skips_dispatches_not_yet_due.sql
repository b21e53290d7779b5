begin;
select plan(2);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
update enrich.dispatches set available_at = now() + interval '1 minute';
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 0::bigint, 'a future dispatch is not due');
select throws_ok($$select * from enrich.claim_dispatches('', 10)$$, 'EN003', null,
  'a worker must name itself');

select * from finish();
rollback;
