begin;
select plan(4);
select enrich.create_batch('company_and_person', '[{"company_domain": "acme.com"}]') as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich_test.step_status(:'batch_id', 1, 'enrich_person_via_waterfall_in_clay'), 'FAILED',
  'a row with a company but no person fails the person step');
select is((select meta ->> 'error' from enrich.workflow_states
            where step_name = 'enrich_person_via_waterfall_in_clay'),
  'no person key: nothing to enrich', 'with meta.error');
select is((select status from enrich.batch_items where id = enrich_test.item_id(:'batch_id', 1)),
  'FAILED', 'the item is FAILED in the same transaction');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED',
  'and its batch is COMPLETED');
select * from finish();
rollback;
