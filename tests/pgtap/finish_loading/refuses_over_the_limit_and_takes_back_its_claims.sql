-- Over its limit, a load in parts is discarded and nothing was paid: its held claims are
-- taken back (a new entity's claim goes, a re-claimed one is as it was), except a claim
-- another batch's item waits on, which comes due for that batch.
begin;
select plan(14);

select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_ttl => interval '1 day');
-- old.com was enriched three days ago (stale: a load re-claims it)
select enrich.create_batch('company', '[{"email": "o@old.com"}]') as old_batch \gset
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
update enrich.company_workflow_states set completed_at = now() - interval '3 days';
update enrich.company_enrichment_results set created_at = now() - interval '3 days';
-- beta.io is in flight for another batch
select enrich.create_batch('company', '[{"email": "x@beta.io"}]') as other_batch \gset

select enrich.open_batch('company', p_loading => true, p_max_new_calls => 1) as batch_id \gset
insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch_id', 1, '{"email": "a@acme.com"}'), (:'batch_id', 2, '{"email": "b@beta.io"}'),
  (:'batch_id', 3, '{"email": "c@old.com"}'), (:'batch_id', 4, '{"email": "d@new2.com"}');
select enrich.start_batch(:'batch_id');
-- meanwhile a batch wants new2.com, which the load claimed: it waits on the held claim
select enrich.create_batch('company', '[{"email": "y@new2.com"}]') as waiting_batch \gset
select is(enrich_test.step_status(:'waiting_batch', 1, 'enrich_company_via_waterfall_in_clay'),
  'WAITING', 'a later batch waits on a held claim');
select is((select sum(new_calls) from enrich.estimate_batch_calls(:'batch_id')), 3::numeric,
  'the load needs 3 new paid calls (acme, old, new2)');

select is(enrich.finish_loading(:'batch_id'), false, 'over the limit it was opened with: refused');
select is((select count(*) from enrich.batches where id = :'batch_id'), 0::bigint, 'the batch is gone');
select is((select count(*) from enrich.batch_items where batch_id = :'batch_id'), 0::bigint, 'with its items');
select is((select count(*) from enrich.dispatches where available_at = 'infinity'), 0::bigint,
  'no claim is left held');
select is((select count(*) from enrich.company_workflow_states
            where company_id = enrich_test.company_id('acme.com')), 0::bigint,
  'the entity it claimed first is unclaimed');
select is((select status from enrich.company_workflow_states
            where company_id = enrich_test.company_id('old.com')), 'COMPLETED',
  'the entity it re-claimed is COMPLETED again');
select ok((select completed_at < now() - interval '2 days' from enrich.company_workflow_states
            where company_id = enrich_test.company_id('old.com')), 'as of its result');
select is((select batch_id from enrich.dispatches d
            where d.entity_id = enrich_test.company_id('new2.com')), :'waiting_batch'::uuid,
  'the claim another batch waits on stays, booked to that batch');
select is((select count(*) from enrich.dispatches d
            where d.entity_id = enrich_test.company_id('beta.io') and d.batch_id is null), 1::bigint,
  'the other batch''s own claim is untouched');
select is((select count(*) from enrich.check_invariants() where invariant <> 'loading_batch_abandoned'), 0::bigint, 'doctor: no violation (but the loader of this test is not alive)');
select is((select count(*) from enrich.stalled_work() where problem <> 'no_worker_alive'), 0::bigint, 'doctor: nothing stuck (but no worker runs in this test)');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 2::bigint,
  'what other batches need is claimable: new2 and beta, nothing of the refused load');

select * from finish();
rollback;
