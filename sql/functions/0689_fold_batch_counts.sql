-- enrich.fold_batch_counts: the kept counts' rows of server processes that are gone are added
-- into shard 0 (batch_counts and item_completions), so they stay a few rows however many
-- connections came and went.
-- Workers run it in their housekeeping.

create or replace function enrich.fold_batch_counts() returns integer
language plpgsql set search_path = '' as $$
declare
  v_folded integer;
begin
  -- rows a running transaction holds are skipped (folded next time), so a fold never waits
  -- for a callback and a callback never waits for a fold
  with gone as (
    delete from enrich.batch_counts c
     where c.ctid = any(array(
             select g.ctid from enrich.batch_counts g
              where g.shard <> 0
                and not exists (select from pg_catalog.pg_stat_activity a where a.pid = g.shard)
              for update skip locked))
    returning c.batch_id, c.step_name, c.status, c.skipped, c.error, c.n
  ),
  folded as (
    insert into enrich.batch_counts as c (batch_id, step_name, status, skipped, error, shard, n)
    select g.batch_id, g.step_name, g.status, g.skipped, g.error, 0, sum(g.n)
    from gone g group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
    on conflict (batch_id, step_name, status, skipped, shard, md5(error))
    do update set n = c.n + excluded.n
  )
  select count(*) into v_folded from gone;
  delete from enrich.batch_counts c where c.shard = 0 and c.n = 0;
  -- the day's completions likewise
  with gone as (
    delete from enrich.item_completions c
     where c.ctid = any(array(
             select g.ctid from enrich.item_completions g
              where g.shard <> 0
                and not exists (select from pg_catalog.pg_stat_activity a where a.pid = g.shard)
              for update skip locked))
    returning c.day, c.step_name, c.skipped, c.n
  )
  insert into enrich.item_completions as c (day, step_name, skipped, shard, n)
  select g.day, g.step_name, g.skipped, 0, sum(g.n) from gone g group by 1, 2, 3 order by 1, 2, 3
  on conflict (day, step_name, skipped, shard) do update set n = c.n + excluded.n;
  return v_folded;
end;
$$;
comment on function enrich.fold_batch_counts() is
  'Adds the enrich.batch_counts rows of server processes that are gone into shard 0 (rows '
  'a running transaction holds wait for the next fold) and drops zero rows. Returns how many '
  'rows it folded.';
