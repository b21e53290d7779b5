-- enrich.heartbeat: a process says it is alive, for p_alive_for more (bounded to between 5
-- seconds and 10 minutes, so a wrong setting can neither flap nor hide a dead process for
-- long). The first beat registers it; a loader's later beats keep the batch it loads. Rows
-- of processes gone for a day are deleted on the way.

create or replace function enrich.heartbeat(
  p_process text, p_kind text, p_host text, p_pid integer, p_version text,
  p_alive_for interval default '1 minute'
) returns void
language plpgsql set search_path = '' as $$
begin
  if p_process is null or length(p_process) not between 1 and 200
     or p_kind is null or p_kind not in ('loader', 'worker', 'receiver', 'dashboard')
     or p_host is null or length(p_host) > 255 or p_pid is null
     or p_version is null or length(p_version) > 100 then
    raise exception using errcode = 'EN003',
      message = 'heartbeat: give an id (1-200 characters), a kind (loader, worker, receiver, '
                'dashboard), a host (up to 255), a pid and a version (up to 100)';
  end if;
  if p_alive_for is null or p_alive_for < interval '5 seconds'
     or p_alive_for > interval '10 minutes' then
    raise exception using errcode = 'EN003',
      message = format('heartbeat: p_alive_for %s is outside 5 seconds to 10 minutes', p_alive_for);
  end if;
  -- the rows of processes gone for a day (killed: no sign-off) go (a table of a few rows)
  delete from enrich.processes p where p.alive_until < now() - interval '1 day';
  insert into enrich.processes as p (id, kind, host, pid, version, alive_until)
  values (p_process, p_kind, p_host, p_pid, p_version, now() + p_alive_for)
  on conflict (id) do update
    set seen_at = now(), alive_until = now() + p_alive_for
    where p.kind = excluded.kind;
  if not found then
    raise exception using errcode = 'EN003',
      message = format('heartbeat: process %s is registered as another kind', quote_literal(p_process));
  end if;
end;
$$;
comment on function enrich.heartbeat(text, text, text, integer, text, interval) is
  'Registers a process (loader, worker, receiver, dashboard) or keeps it alive for '
  'p_alive_for (5 s to 10 min) more.';
