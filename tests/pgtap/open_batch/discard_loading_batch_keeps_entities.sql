-- A load in parts that failed: its batch goes with its items, item steps and part counts;
-- the companies and claims its committed parts made stay, like any batch's.
begin;
select plan(5);

select enrich.open_batch('company', p_loading => true) as batch_id \gset
insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch_id', 1, '{"email": "a@acme.com"}'), (:'batch_id', 2, '{"email": "b@acme.com"}');
select enrich.start_batch(:'batch_id');

select is(enrich.discard_loading_batch(:'batch_id'), true, 'a LOADING batch is discarded');
select is((select count(*) from enrich.batch_items where batch_id = :'batch_id'), 0::bigint,
  'with its items');
select is((select count(*) from enrich.workflow_states), 0::bigint, 'and their steps');
select is((select count(*) from enrich.loading_batch_parts), 0::bigint, 'and its parts'' counts');
select is((select count(*) from enrich.company_workflow_states where status = 'IN_PROGRESS'), 1::bigint,
  'the claim stays: its result will serve the next load');

select * from finish();
rollback;
