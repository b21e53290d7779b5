begin;
select plan(3);

-- alpha.com is enriched already; beta.io is in flight for another batch
select enrich.create_batch('company', '[{"email": "x@alpha.com"}]');
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich.create_batch('company', '[{"email": "y@beta.io"}]');

select enrich.create_batch('company', '[
  {"email": "a@alpha.com"}, {"email": "b@alpha.com"}, {"email": "c@beta.io"},
  {"email": "d@gamma.io"}, {"email": "e@gamma.io"}, {"email": "f@delta.io"},
  {"email": "g@gmail.com"}]') as batch_id \gset

select results_eq(
  format($$select workflow_slug, rows_reaching, unique_entities, already_fresh, in_flight,
                  new_calls, failed_at_split from enrich.estimate_batch_calls(%L)$$, :'batch_id'),
  $$values ('enrich_company_via_waterfall_in_clay', 6::bigint, 4::bigint, 1::bigint, 1::bigint,
            2::bigint, 1::bigint)$$,
  '6 rows reach the company step: 4 companies, 1 fresh, 1 in flight, 2 new paid calls; the gmail row fails at split');
select is((select count(*) from enrich.dispatches where status = 'QUEUED'), 3::bigint,
  'the estimate matches the dispatches the batches made (beta + gamma + delta)');
select is((select count(*) from enrich.estimate_batch_calls(gen_random_uuid())), 0::bigint,
  'an unknown batch has no estimate');

select * from finish();
rollback;
