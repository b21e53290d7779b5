begin;
select plan(5);

select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.io"}]') as batch_id \gset
select count(*) from enrich.claim_dispatches('w1', 10);

select is((select sum(calls) from enrich.paid_calls where batch_id = :'batch_id'), 2::bigint,
  'each lease reserves one paid call, booked to the claiming item''s batch');
select is((select cause from enrich.paid_calls limit 1), 'batch', 'caused by the batch');
select is((select day from enrich.paid_calls limit 1), (now() at time zone 'UTC')::date,
  'on today''s UTC day');
select is((select submissions from enrich.workflow_webhooks
            where workflow_slug = 'enrich_company_via_waterfall_in_clay'), 2,
  'and one webhook submission');
select is((select sum(paid_calls) from enrich.dispatches), 2::bigint, 'held on the dispatches');

select * from finish();
rollback;
