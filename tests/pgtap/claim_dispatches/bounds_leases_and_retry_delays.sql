-- A lease or a retry delay of a century would hide work for that long while doctor says
-- all is well: both are bounded (an hour) and anything beyond is refused.
begin;
select plan(7);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select throws_ok($$select * from enrich.claim_dispatches('w', 10, '100 years')$$, 'EN003', null,
  'a lease of a century is refused');
select throws_ok($$select * from enrich.claim_dispatches('w', 10, '61 minutes')$$, 'EN003', null,
  'and one of over an hour');
select throws_ok($$select * from enrich.claim_dispatches('w', 10, '100 years -36000 days 1 hour')$$,
  'EN003', null, 'nor one that only looks short (intervals count months as 30 days)');
select is((select count(*) from enrich.claim_dispatches('w', 10, '1 hour')), 1::bigint,
  'an hour is allowed');
select throws_ok($$select enrich.retry_dispatch((select id from enrich.dispatches), 'w', '100 years', 'x')$$,
  'EN003', null, 'a retry delay of a century is refused');
select throws_ok($$select enrich.retry_dispatch((select id from enrich.dispatches), 'w', '1 month -30 days 1 hour', 'x')$$,
  'EN003', null, 'nor one that only looks short');
select is(enrich.retry_dispatch((select id from enrich.dispatches), 'w', '1 hour', 'x'), 'QUEUED',
  'an hour is allowed');
select * from finish();
rollback;
