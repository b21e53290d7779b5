-- What this installation is called on its server: the prefix of its three roles, so that
-- two installations (staging and production) can share a server without sharing roles.
-- Set once, by the first `enrich db migrate` (ENRICH_ROLE_PREFIX); sql/9000_grants.sql
-- reads it, so the grants never go to another installation's roles.
-- depends: 0019_callback_secrets

create table enrich.installation (
  id           boolean primary key default true,
  role_prefix  text not null,
  created_at   timestamptz not null default now(),
  constraint one_row check (id),
  -- (48: the longest role name, <prefix>enrich_receiver, stays within PostgreSQL's 63)
  constraint role_prefix_is_an_identifier_start check (role_prefix ~ '^([a-z][a-z0-9_]{0,47})?$')
);
comment on table enrich.installation is
  'One row: this installation''s role prefix (roles <prefix>enrich_worker, '
  '<prefix>enrich_receiver, <prefix>enrich_admin), set by the first enrich db migrate.';
