begin;
select plan(3);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select count(*) from enrich.claim_dispatches('dead-worker', 10);
select enrich_test.expire_dispatches();

select results_eq($$select * from enrich.reap_dispatches()$$, $$values (1, 0, 0)$$,
  'one expired lease re-queued');
select is((select status from enrich.dispatches), 'QUEUED', 'queued again');
select is((select attempt from enrich.claim_dispatches('live-worker', 10)), 2,
  'another worker takes it (second attempt)');

select * from finish();
rollback;
