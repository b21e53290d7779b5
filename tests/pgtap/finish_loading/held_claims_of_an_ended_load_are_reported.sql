-- Held claims must not outlive their load: a discarded load takes them back, and doctor
-- reports any whose batch is no longer LOADING, with the way out.
begin;
select plan(7);

select enrich.open_batch('company', p_loading => true, p_max_new_calls => 10) as batch_id \gset
insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch_id', 1, '{"email": "a@acme.com"}');
select enrich.start_batch(:'batch_id');
select is(enrich.discard_loading_batch(:'batch_id'), true, 'a held load is discarded');
select is((select count(*) from enrich.dispatches), 0::bigint, 'its held claim is taken back');
select is((select count(*) from enrich.company_workflow_states), 0::bigint, 'and its entity unclaimed');

-- a held claim whose batch stopped LOADING by some other way (here: by hand)
select enrich.open_batch('company', p_loading => true, p_max_new_calls => 10) as batch2 \gset
insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch2', 1, '{"email": "b@beta.io"}');
select enrich.start_batch(:'batch2');
update enrich.batches set status = 'IN_PROGRESS', max_new_calls = null where id = :'batch2';
select is((select problem from enrich.stalled_work()), 'held_dispatch_after_load',
  'doctor reports a held claim of a batch no longer LOADING');
select enrich.open_batch('company', p_loading => true, p_max_new_calls => 10) as batch3 \gset
select throws_ok(format('select enrich.release_held_dispatches(%L)', :'batch3'),
  'EN005', null, 'release_held_dispatches leaves a LOADING batch''s claims to its load');
select is(enrich.release_held_dispatches(:'batch2'), 1::bigint, 'the way out releases it');
select is((select count(*) from enrich.stalled_work() where problem <> 'no_worker_alive'), 0::bigint, 'then nothing is stuck (no worker runs here)');

select * from finish();
rollback;
