begin;
select plan(3);

update enrich.workflows set ttl = '30 days' where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
update enrich.company_workflow_states set completed_at = now() - interval '31 days';

select enrich.create_batch('company', '[{"email": "b@acme.com"}]') as batch_id \gset
select is(enrich_test.step_status(:'batch_id', 1, 'enrich_company_via_waterfall_in_clay'), 'IN_PROGRESS',
  'a stale company is claimed again');
select is((select count(*) from enrich.dispatches), 1::bigint, 'and sent again');

update enrich.workflows set ttl = null where slug = 'enrich_company_via_waterfall_in_clay';
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
update enrich.company_workflow_states set completed_at = now() - interval '3 years';
select enrich.create_batch('company', '[{"email": "c@acme.com"}]') as batch_id2 \gset
select is(enrich_test.step_status(:'batch_id2', 1, 'enrich_company_via_waterfall_in_clay'), 'COMPLETED',
  'without a TTL a result stays fresh');

select * from finish();
rollback;
