-- enrich.worker_heartbeat: what the workers' role may do with enrich.processes: keep its own
-- kind of row (a worker) alive. Never a loader's row: a worker login could otherwise hide a
-- dead loader or end a live load (enrich.heartbeat is the admin's).

create or replace function enrich.worker_heartbeat(
  p_process text, p_host text, p_pid integer, p_version text,
  p_alive_for interval default '1 minute'
) returns void
language sql set search_path = '' as $$
  select enrich.heartbeat(p_process, 'worker', p_host, p_pid, p_version, p_alive_for)
$$;
comment on function enrich.worker_heartbeat(text, text, integer, text, interval) is
  'heartbeat for a worker (EN003 if the id is another kind''s).';
