-- enrich.worker_sign_off: a stopping worker removes its row of enrich.processes; never
-- another kind's (see enrich.worker_heartbeat).

create or replace function enrich.worker_sign_off(p_process text) returns void
language sql set search_path = '' as $$
  delete from enrich.processes p where p.id = p_process and p.kind = 'worker'
$$;
comment on function enrich.worker_sign_off(text) is 'sign_off for a worker''s row only.';
