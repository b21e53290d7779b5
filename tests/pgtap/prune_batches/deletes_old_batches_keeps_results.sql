begin;
select plan(4);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]') as old_batch \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich.create_batch('company', '[{"email": "b@beta.com"}]') as running_batch \gset
update enrich.batches set created_at = now() - interval '100 days', completed_at = now() - interval '99 days'
 where id = :'old_batch';
update enrich.callback_log set received_at = now() - interval '99 days';
select results_eq($$select * from enrich.prune_batches(interval '90 days')$$, $$values (1::bigint, 1::bigint)$$,
  'the old finished batch and its callback log go');
select is((select count(*) from enrich.batches), 1::bigint, 'the running batch stays');
select is((select count(*) from enrich.company_enrichment_results), 1::bigint, 'results stay for reuse');
select enrich.create_batch('company', '[{"email": "c@acme.com"}]') as new_batch \gset
select is(enrich_test.step_status(:'new_batch', 1, 'enrich_company_via_waterfall_in_clay'), 'COMPLETED',
  'a new batch still reuses the kept result');
select * from finish();
rollback;
