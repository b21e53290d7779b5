-- A load in parts with a limit of new paid calls: its claims are held (never due) until
-- finish_loading has checked the limit; then they come due at once.
begin;
select plan(9);

select enrich.open_batch('company', p_loading => true, p_max_new_calls => 5) as batch_id \gset
insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch_id', 1, '{"email": "a@acme.com"}'), (:'batch_id', 2, '{"email": "b@acme.com"}'),
  (:'batch_id', 3, '{"email": "c@beta.io"}');
select enrich.start_batch(:'batch_id');  -- one part

select is((select count(*) from enrich.dispatches where available_at = 'infinity' and batch_id = :'batch_id'),
  2::bigint, 'the part''s two claims are held, booked to the batch');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 0::bigint, 'nothing is claimable');
select is((select count(*) from enrich.check_invariants() where invariant <> 'loading_batch_abandoned'), 0::bigint, 'doctor: no violation (but the loader of this test is not alive)');
select is((select count(*) from enrich.stalled_work()), 0::bigint,
  'doctor: held claims of a live LOADING batch are not stuck work');

select is(enrich.finish_loading(:'batch_id', null, 5), true, 'within the limit: finished');
select is((select status from enrich.batches where id = :'batch_id'), 'IN_PROGRESS', 'the batch runs');
select is((select count(*) from enrich.dispatches where available_at <= now()), 2::bigint,
  'its claims are due');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 2::bigint, 'and claimable');
select is((select max_new_calls from enrich.batches where id = :'batch_id'), null::bigint,
  'the limit is spent');

select * from finish();
rollback;
