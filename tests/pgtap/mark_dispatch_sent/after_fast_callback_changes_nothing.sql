begin;
select plan(2);

select enrich.create_batch('company', '[{"email": "a@acme.com"}]') as batch_id \gset
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('acme.com')));

select is(enrich.mark_dispatch_sent(:dispatch_id, 'w1'), false,
  'the callback beat the worker: nothing left to mark');
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'the batch is done');

select * from finish();
rollback;
