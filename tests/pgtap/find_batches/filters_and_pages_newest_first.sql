-- A page of batches, newest first: filtered by status (failed: some row failed), pipeline,
-- a search in the name (text, never a pattern) or the id's start, and time; paged by the
-- last batch shown; bad arguments refused.
begin;
select plan(12);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]') as b1 \gset
select enrich.set_batch_source(:'b1', 'Apollo Q3 leads', null);
select enrich.create_batch('company', '[{"email": "x@gmail.com"}]') as b2 \gset
select enrich.set_batch_source(:'b2', 'HubSpot 100%_sure', null);
select enrich.create_batch('company_and_person', '[{"email": "b@beta.io"}]') as b3 \gset
update enrich.batches set created_at = now() - interval '3 days' where id = :'b1';
update enrich.batches set created_at = now() - interval '2 days' where id = :'b2';

create temporary table shown as
select (p ->> 'batch_id')::uuid as id, (p ->> 'created_at')::timestamptz as created_at
from enrich.find_batches() p;
select results_eq($$select id from shown$$,
  format($$values (%L::uuid), (%L::uuid), (%L::uuid)$$, :'b3', :'b2', :'b1'), 'newest first');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_status => 'failed') p$$,
  format($$values (%L::uuid)$$, :'b2'), 'failed: the batch with a failed row');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_status => 'COMPLETED') p$$,
  format($$values (%L::uuid)$$, :'b2'), 'by status (its one row failed at split: done)');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_pipeline => 'company_and_person') p$$,
  format($$values (%L::uuid)$$, :'b3'), 'by pipeline');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_search => 'q3 LEADS') p$$,
  format($$values (%L::uuid)$$, :'b1'), 'by part of the name, any case');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_search => '100%_') p$$,
  format($$values (%L::uuid)$$, :'b2'), 'a search is text: % and _ match themselves');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_search => '%') p$$,
  format($$values (%L::uuid)$$, :'b2'), 'a lone %: the name that holds one, not every batch');
select results_eq(format($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_search => %L) p$$, left(:'b3', 6)),
  format($$values (%L::uuid)$$, :'b3'), 'by the start of the id');
select results_eq($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_since => now() - interval '50 hours', p_until => now() - interval '1 hour') p$$,
  format($$values (%L::uuid)$$, :'b2'), 'by creation time');
select results_eq(
  format($$select (p ->> 'batch_id')::uuid from enrich.find_batches(p_limit => 2,
           p_after => jsonb_build_object('created_at', %L::timestamptz, 'batch_id', %L::uuid)) p$$,
         (select created_at from shown where id = :'b2'), :'b2'),
  format($$values (%L::uuid)$$, :'b1'), 'the page after a batch: the older ones');
select throws_ok($$select * from enrich.find_batches(p_status => 'DONE')$$, 'EN003', null, 'an unknown status: refused');
select throws_ok($$select * from enrich.find_batches(p_after => '{"created_at": "x"}')$$, 'EN003', null, 'a bad page mark: refused');
select * from finish();
rollback;
