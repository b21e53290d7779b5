begin;
select plan(7);

update enrich.workflows set daily_budget = 2 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.io"}, {"email": "c@gamma.io"}]') as batch_id \gset

select is((select count(*) from enrich.claim_dispatches('w1', 10)), 2::bigint,
  'a budget of 2 paid calls a day: two are claimed');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 0::bigint, 'then none');
select is((select status from enrich.dispatches where status = 'QUEUED'), 'QUEUED',
  'the third waits: it does not fail');
select is((select reason from enrich.dispatch_wait_reasons()),
  'daily budget 2/2 spent, resumes 00:00 UTC', 'and says why');
select is((select enrich.describe_workflow('enrich_company_via_waterfall_in_clay') ->> 'waiting'),
  'daily budget 2/2 spent, resumes 00:00 UTC', 'workflow show says it too');

-- the next UTC day: yesterday's calls no longer count
update enrich.paid_calls set day = day - 1;
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 1::bigint,
  'the next day the third is claimed');

-- a free outcome gives budget back
select enrich.create_batch('company', '[{"email": "d@delta.io"}]');
select dispatch_id as delta from enrich.claim_dispatches('w1', 10) \gset
select enrich.retry_dispatch(:delta, 'w1', '0', 'HTTP 503');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 1::bigint,
  'a 503 gives its call back to the budget');

select * from finish();
rollback;
