-- enrich._loading_lock_key: the advisory lock each connection of a load in parts holds on
-- its LOADING batch, so doctor, finish and discard can tell a live load from an abandoned one.

create or replace function enrich._loading_lock_key(p_batch_id uuid) returns bigint
language sql immutable parallel safe as $$
  select pg_catalog.hashtextextended(p_batch_id::text, 0)
$$;
comment on function enrich._loading_lock_key(uuid) is
  'The advisory lock (shared, session level) that each connection of a load in parts holds '
  'on its LOADING batch until it closes: with no holder left, doctor reports the batch as '
  'abandoned, and finish_loading / discard_loading_batch refuse while another session holds it.';
