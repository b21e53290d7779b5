-- Roles for least privilege (NOLOGIN: grant them to your login roles). What each may do is
-- in sql/9000_grants.sql, re-applied on every migrate. Roles belong to the whole server,
-- so a second database on it reuses them. The migrating user needs CREATEROLE, or an
-- administrator creates the three roles beforehand.
-- depends: 0003_bulk_path

do $$
begin
  if not exists (select from pg_roles where rolname = 'enrich_worker') then
    create role enrich_worker nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'enrich_receiver') then
    create role enrich_receiver nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'enrich_admin') then
    create role enrich_admin nologin;
  end if;
end;
$$;
