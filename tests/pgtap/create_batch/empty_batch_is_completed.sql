begin;
select plan(2);

select enrich.create_batch('company', '[]') as batch_id \gset
select is((select status from enrich.batches where id = :'batch_id'), 'COMPLETED', 'nothing to do: COMPLETED');
select is((select item_count from enrich.batches where id = :'batch_id'), 0, 'with 0 items');

select * from finish();
rollback;
