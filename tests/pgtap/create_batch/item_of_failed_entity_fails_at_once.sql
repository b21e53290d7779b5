begin;
select plan(5);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset
select enrich.fail_dispatch(:dispatch_id, 'w1', 'HTTP 400: bad payload');
select enrich.create_batch('company', '[{"email": "c@acme.com"}]') as batch_id \gset

select is(enrich_test.step_status(:'batch_id', 1, 'enrich_company_via_waterfall_in_clay'), 'FAILED',
  'a new item of a FAILED company fails at once (no surprise spend; `enrich retry` re-queues)');
select is((select meta ->> 'skipped' from enrich.workflow_states
            where item_id = enrich_test.item_id(:'batch_id', 1) and step_name like 'enrich%'),
  'company_enrichment_failed', 'meta.skipped says so');
select is((select count(*) from enrich.dispatches), 0::bigint, 'nothing is sent');
select is((select status from enrich.batch_items where id = enrich_test.item_id(:'batch_id', 1)),
  'FAILED', 'the item is FAILED in the same transaction');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED',
  'and its batch, all of whose items are finished, is COMPLETED');

select * from finish();
rollback;
