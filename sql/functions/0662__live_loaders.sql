-- enrich._live_loaders: the live loaders of a LOADING batch (enrich.processes).

create or replace function enrich._live_loaders(p_batch_id uuid) returns setof text
language sql stable set search_path = '' as $$
  select p.id from enrich.processes p
  where p.batch_id = p_batch_id and p.kind = 'loader' and p.alive_until > now()
$$;
comment on function enrich._live_loaders(uuid) is
  'The ids of the live loaders (current heartbeat) of a batch.';
