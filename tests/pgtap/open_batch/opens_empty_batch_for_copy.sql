begin;
select plan(3);
select enrich.open_batch('company') as batch_id \gset
insert into enrich.batch_items (batch_id, row_number, data) values (:'batch_id', 1, '{"email": "a@acme.com"}');
select enrich.start_batch(:'batch_id');
select is((select item_count from enrich.batches where id = :'batch_id'), 1, 'start_batch counts the items');
select is((select count(*) from enrich.dispatches), 1::bigint, 'and runs them');
select throws_ok($$select enrich.open_batch('nope')$$, 'EN004', null, 'unknown pipeline refused');
select * from finish();
rollback;
