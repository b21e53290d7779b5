-- Kept counts live in rows of the server process that wrote them; folding adds the rows of
-- processes that are gone into shard 0 and keeps every sum.
begin;
select plan(5);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select ok((select bool_and(shard = pg_backend_pid()) from enrich.batch_counts where batch_id = :'batch_id'),
  'this session''s transitions are counted in rows of its own');

-- rows of two processes that are gone (pids no live process has), one of them cancelling
insert into enrich.batch_counts (batch_id, step_name, status, skipped, error, shard, n) values
  (:'batch_id', 'split', 'COMPLETED', false, '', -1, 5),
  (:'batch_id', 'split', 'COMPLETED', false, '', -2, -5),
  (:'batch_id', 'split', 'FAILED', false, 'gone', -2, 1);
create temporary table before as
  select step_name, status, skipped, error, sum(n) as n from enrich.batch_counts
   where batch_id = :'batch_id' group by 1, 2, 3, 4;

select is(enrich.fold_batch_counts(), 3, 'the three rows of gone processes are folded');
select is_empty($$select from enrich.batch_counts where shard < 0$$, 'none of them is left');
select set_eq($$select step_name, status, skipped, error, sum(n) from enrich.batch_counts
                 where batch_id = (select batch_id from enrich.batch_counts limit 1)
                 group by 1, 2, 3, 4 having sum(n) <> 0$$,
              $$select * from before where n <> 0$$, 'every sum is unchanged');
select ok((select count(*) = 1 from enrich.batch_counts where shard = 0),
  'into shard 0, without the keys that cancelled out');
select * from finish();
rollback;
