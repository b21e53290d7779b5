begin;
select plan(6);

select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.io"}, {"email": "c@gamma.io"}]');
create temp table claimed as select * from enrich.claim_dispatches('w1', 10);

-- a 429, a 500 and a permanent 4xx: Clay took none of the three rows
select enrich.retry_dispatch((select min(dispatch_id) from claimed), 'w1', '0', 'HTTP 429', false);
select enrich.retry_dispatch((select min(dispatch_id) + 1 from claimed), 'w1', '0', 'HTTP 500');
select enrich.fail_dispatch((select max(dispatch_id) from claimed), 'w1', 'HTTP 400: bad row');

select is((select coalesce(sum(calls), 0) from enrich.paid_calls), 0::bigint,
  'no paid call is left in the ledger');
select is((select submissions from enrich.workflow_webhooks
            where workflow_slug = 'enrich_company_via_waterfall_in_clay'), 0,
  'no webhook submission is used');
select is((select sum(paid_calls) from enrich.dispatches), 0::bigint, 'nor held on a dispatch');
select is((select paid_calls from enrich.company_workflow_states where status = 'FAILED'), 0,
  'the refused entity was never paid for');

-- claimed again and accepted: paid once
select count(*) from enrich.claim_dispatches('w2', 10);
select enrich.mark_dispatch_sent(array(select id from enrich.dispatches), 'w2');
select is((select sum(calls) from enrich.paid_calls), 2::bigint, 'two accepted rows, two paid calls');
select enrich.release_dispatches('w2');
select is((select sum(calls) from enrich.paid_calls), 2::bigint,
  'a hand-back of no lease changes nothing');

select * from finish();
rollback;
