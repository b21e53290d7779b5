-- A load in parts: the batch is LOADING while its parts start their items, keeps that
-- status whatever its items do, and finish_loading gives it its count and status.
-- (One transaction here, so every item is "this transaction's": the parts' separation by
-- transaction is tested in tests/py/test_load_parts.py.)
begin;
select plan(18);

select enrich.heartbeat('loader-1', 'loader', 'host-a', 101, 'test');
select enrich.open_batch('company', p_loading => true, p_loader => 'loader-1') as batch_id \gset
select is((select status from enrich.batches where id = :'batch_id'), 'LOADING',
  'open_batch with p_loading opens a LOADING batch');

insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch_id', 1, '{"email": "a@acme.com"}'),
  (:'batch_id', 2, '{"email": "b@gmail.com"}');
select enrich.start_batch(:'batch_id');
select is((select count(*) from enrich.dispatches), 1::bigint, 'a part starts its items: acme is claimed');
select is(enrich_test.step_status(:'batch_id', 2, 'split'), 'FAILED', 'the free-mail row fails split');
select is((select item_count from enrich.batches where id = :'batch_id'), 0,
  'no count on the batch before the load ends');
select results_eq(format('select item_count from enrich.loading_batch_parts where batch_id = %L', :'batch_id'),
  $$values (2)$$, 'the part counts the items it started in a row of its own');

-- every item finished (acme's result arrives): still LOADING
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is((select count(*) from enrich.batch_items where batch_id = :'batch_id' and finished_at is null),
  0::bigint, 'every item has finished');
select is((select status from enrich.batches where id = :'batch_id'), 'LOADING',
  'a LOADING batch keeps its status whatever its items do');
select is((enrich.batch_status(:'batch_id') ->> 'done')::boolean, false, 'and is not done');
select is_empty($$select * from enrich.check_invariants() where invariant = 'batch_status_disagrees_with_items'$$,
  'nor an invariant violation');

-- the loader's heartbeat is current: doctor knows the load is alive, others may not end it
select is_empty($$select * from enrich.check_invariants() where invariant = 'loading_batch_abandoned'$$,
  'a load whose loader''s heartbeat is current is not abandoned');
select throws_ok(format('select enrich.finish_loading(%L)', :'batch_id'), 'EN005', null,
  'nobody but its live loader may finish it');
select throws_ok(format('select enrich.discard_loading_batch(%L, %L)', :'batch_id', 'other'), 'EN005', null,
  'nor discard it');
update enrich.processes set seen_at = now() - interval '2 minutes',
                            alive_until = now() - interval '1 minute';  -- killed: no more beats
select is((select count(*) from enrich.check_invariants() where invariant = 'loading_batch_abandoned'
            and subject_id = :'batch_id'), 1::bigint,
  'once its heartbeat has expired (the loader is gone) doctor reports the batch');

select enrich.finish_loading(:'batch_id');
select results_eq(
  format('select status, item_count from enrich.batches where id = %L', :'batch_id'),
  $$values ('COMPLETED'::text, 2)$$,
  'finish_loading sums the parts'' counts and sets the status from the items');
select is_empty(format('select from enrich.loading_batch_parts where batch_id = %L', :'batch_id'),
  'and lets go of the counts');
select throws_ok(format('select enrich.finish_loading(%L)', :'batch_id'), 'EN002', null,
  'a batch no longer LOADING is refused');
select is(enrich.discard_loading_batch(:'batch_id'), false,
  'and discard_loading_batch leaves it alone');

-- a load none of whose parts started (the loader stopped before its first part committed)
select enrich.open_batch('company', p_loading => true) as empty_batch_id \gset
select enrich.finish_loading(:'empty_batch_id');
select results_eq(format('select item_count, status from enrich.batches where id = %L', :'empty_batch_id'),
  $$values (0, 'COMPLETED')$$, 'a load with no started part finishes empty and COMPLETED');

select * from finish();
rollback;
