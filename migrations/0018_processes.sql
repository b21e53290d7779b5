-- Who is alive: every loader (and, later, worker and dashboard) keeps a row here with a
-- heartbeat. A load in parts is known to be alive by its loader's row, not by a session
-- advisory lock any more: behind a transaction pooler (PgBouncer, Supavisor) a session
-- lock stays on whichever server connection took it, long after the loader has gone.
-- depends: 0017_batch_input_columns

create table enrich.processes (
  id           text primary key,
  kind         text not null,
  host         text not null,
  pid          integer not null,
  version      text not null,
  batch_id     uuid,
  started_at   timestamptz not null default now(),
  seen_at      timestamptz not null default now(),
  alive_until  timestamptz not null,
  constraint kind_is_valid check (kind in ('loader', 'worker', 'receiver', 'dashboard')),
  constraint alive_after_seen check (alive_until > seen_at)
);
comment on table enrich.processes is
  'The processes working on this database, each kept alive by its heartbeat '
  '(enrich.heartbeat): it is alive until alive_until. A loader names the batch it loads.';
create index processes_batch_idx on enrich.processes (batch_id) where batch_id is not null;

drop function if exists enrich.open_batch(text, boolean);
drop function if exists enrich.finish_loading(uuid);
drop function if exists enrich.discard_loading_batch(uuid);
drop function if exists enrich._refuse_live_load(uuid);
drop function if exists enrich._loading_lock_holders(uuid);
drop function if exists enrich._loading_lock_key(uuid);
