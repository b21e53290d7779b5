-- enrich._loading_lock_holders: the sessions (a loader's connections) holding a LOADING
-- batch's lock.

create or replace function enrich._loading_lock_holders(p_batch_id uuid) returns setof integer
language sql stable set search_path = '' as $$
  select l.pid from pg_catalog.pg_locks l
  where l.locktype = 'advisory' and l.granted and l.objsubid = 1  -- a bigint key, split in two
    and l.database = (select d.oid from pg_catalog.pg_database d
                      where d.datname = pg_catalog.current_database())
    and l.classid::bigint = (enrich._loading_lock_key(p_batch_id) >> 32) & 4294967295
    and l.objid::bigint = enrich._loading_lock_key(p_batch_id) & 4294967295
$$;
comment on function enrich._loading_lock_holders(uuid) is
  'The process ids of the sessions holding a LOADING batch''s lock (its loader''s connections).';
