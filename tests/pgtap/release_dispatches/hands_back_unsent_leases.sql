begin;
select plan(3);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.com"}]');
select count(*) from enrich.claim_dispatches('w1', 10);
select is(enrich.release_dispatches('w2'), 0, 'another worker''s leases are untouched');
select is(enrich.release_dispatches('w1'), 2, 'both released');
select is((select max(attempt) from enrich.claim_dispatches('w3', 10)), 1,
  'the released attempt is given back');
select * from finish();
rollback;
