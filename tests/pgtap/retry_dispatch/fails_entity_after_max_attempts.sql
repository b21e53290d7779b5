begin;
select plan(5);

update enrich.workflows set max_attempts = 2 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset
select enrich.retry_dispatch(:dispatch_id, 'w1', '0', 'HTTP 500');
select is((select attempt from enrich.claim_dispatches('w1', 1)), 2, 'second attempt');
select is(enrich.retry_dispatch(:dispatch_id, 'w1', '0', 'HTTP 503'), 'FAILED', 'out of attempts');
select is(enrich.get_company_workflow_status(enrich_test.company_id('acme.com'),
            'enrich_company_via_waterfall_in_clay'), 'FAILED', 'the company FAILED');
select results_eq(
  $$select status, meta ->> 'error' from enrich.workflow_states
     where step_name = 'enrich_company_via_waterfall_in_clay'$$,
  $$values ('FAILED', 'gave up after 2 attempt(s): HTTP 503'), ('FAILED', 'gave up after 2 attempt(s): HTTP 503')$$,
  'both items FAILED with the entity''s error');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'the batch is finished');

select * from finish();
rollback;
