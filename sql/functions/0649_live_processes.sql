-- enrich.live_processes: who is alive (for `enrich doctor`): kind, host, pid, version, since
-- when, last seen, and a loader's batch. Expired rows are left out (and deleted by no one
-- but their process or prune: a process coming back re-registers).

create or replace function enrich.live_processes()
returns table (id text, kind text, host text, pid integer, version text, batch_id uuid,
               started_at timestamptz, seen_at timestamptz)
language sql stable set search_path = '' as $$
  select p.id, p.kind, p.host, p.pid, p.version, p.batch_id, p.started_at, p.seen_at
  from enrich.processes p
  where p.alive_until > now()
  order by p.kind, p.started_at
$$;
comment on function enrich.live_processes() is
  'The processes whose heartbeat is current, oldest first per kind.';
