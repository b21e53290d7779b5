begin;
select plan(5);

update enrich.workflows set max_attempts = 1 where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select enrich_test.send_all();
select enrich_test.expire_dispatches();
select enrich.reap_dispatches();

select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED',
  'after the timeout the batch finished with its items FAILED');
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', enrich_test.company_id('acme.com'), 'late', true)),
  'completed', 'a late result is still accepted');
select is(enrich.get_company_workflow_status(enrich_test.company_id('acme.com'),
            'enrich_company_via_waterfall_in_clay'), 'COMPLETED', 'the company is COMPLETED');
select results_eq($$select status, count(*) from enrich.batch_items group by status$$,
  $$values ('COMPLETED', 2::bigint)$$, 'both items are COMPLETED');
select is((select count(*) from enrich.workflow_states where meta ? 'error'), 0::bigint,
  'the timeout error is cleared from the items');

select * from finish();
rollback;
