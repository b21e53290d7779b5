-- enrich.server_settings_advice: the server settings that matter for million-row loads and
-- bursts of callbacks, where the server in use is below what we recommend, with why. For
-- `enrich doctor`'s notices: a managed server (Supabase, RDS) may not let them be changed,
-- and everything still works, only slower. The private cluster runs with these values.

create or replace function enrich.server_settings_advice()
returns table (setting text, current_value text, recommended text, why text)
language sql stable set search_path = '' as $$
  select a.setting, pg_catalog.current_setting(a.setting), a.recommended, a.why
  from (values
    ('shared_buffers', '1GB', 'memory',
     'a million-row batch''s items, states and indexes stay in memory while it is keyed'),
    ('work_mem', '64MB', 'memory',
     'the split step hashes a batch''s distinct hosts and keys; less spills to disk'),
    ('maintenance_work_mem', '256MB', 'memory', 'vacuum of tables a big load rewrote'),
    ('wal_buffers', '16MB', 'memory', 'a load writes its rows, states and indexes to the WAL'),
    ('max_wal_size', '4GB', 'memory',
     'fewer checkpoints during a big load (each one slows every write for a while)'),
    ('checkpoint_timeout', '15min', 'time', 'likewise'),
    ('max_connections', '100', 'count',
     'each worker holds up to 4 connections, each receiver up to 4, a load in parts one per part')
  ) as a(setting, recommended, kind, why)
  where case a.kind
          when 'memory' then pg_catalog.pg_size_bytes(pg_catalog.current_setting(a.setting))
                             < pg_catalog.pg_size_bytes(a.recommended)
          when 'time' then pg_catalog.current_setting(a.setting)::interval < a.recommended::interval
          else pg_catalog.current_setting(a.setting)::bigint < a.recommended::bigint
        end
  union all
  -- a timeout that can stop a big load's one long statement (the loader lifts it for its
  -- own transactions where the server allows; it is named here all the same)
  select 'statement_timeout', pg_catalog.current_setting('statement_timeout'), '0 (none)',
         'the split step of a million-row load is one statement of a minute or more'
  where pg_catalog.current_setting('statement_timeout')::interval
        between interval '1 millisecond' and interval '10 minutes'
$$;
comment on function enrich.server_settings_advice() is
  'Server settings below what big loads and callback bursts want: setting, current value, '
  'recommended value, why. For doctor''s notices (exit 0).';
