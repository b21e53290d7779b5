-- enrich._count_states: add a statement's item-step deltas to a batch's kept counts.
-- Rows with the same key are added up here; a key whose deltas cancel out writes nothing.

create or replace function enrich._count_states(
  p_batch_ids uuid[], p_steps text[], p_statuses text[], p_skipped boolean[], p_errors text[],
  p_deltas bigint[]
) returns void
language sql set search_path = '' as $$
  -- the rows of this server process (shard = its pid): no other transaction running now
  -- writes them, so concurrent callbacks for one batch never wait on each other here
  insert into enrich.batch_counts as c (batch_id, step_name, status, skipped, error, shard, n)
  select d.batch_id, d.step_name, d.status, d.skipped, d.error, pg_catalog.pg_backend_pid(),
         sum(d.delta)
  from unnest(p_batch_ids, p_steps, p_statuses, p_skipped, p_errors, p_deltas)
       as d(batch_id, step_name, status, skipped, error, delta)
  group by 1, 2, 3, 4, 5
  having sum(d.delta) <> 0
  on conflict (batch_id, step_name, status, skipped, shard, md5(error))
  do update set n = c.n + excluded.n;
  -- and the day's completions per step (enrich.item_completions)
  insert into enrich.item_completions as c (day, step_name, skipped, shard, n)
  select (now() at time zone 'UTC')::date, d.step_name, d.skipped, pg_catalog.pg_backend_pid(),
         sum(d.delta)
  from unnest(p_steps, p_statuses, p_skipped, p_deltas) as d(step_name, status, skipped, delta)
  where d.status = 'COMPLETED'
  group by 1, 2, 3
  having sum(d.delta) <> 0
  on conflict (day, step_name, skipped, shard) do update set n = c.n + excluded.n
$$;
comment on function enrich._count_states(uuid[], text[], text[], boolean[], text[], bigint[]) is
  'Adds item-step deltas (parallel arrays: batch, step, status, skipped, error, delta) to '
  'enrich.batch_counts (and COMPLETED ones to today''s enrich.item_completions) in rows of this '
  'server process. Every writer of workflow_states calls it.';
