-- enrich._utc_today: the UTC day that daily budgets and the paid-call ledger count by.

create or replace function enrich._utc_today() returns date
language sql stable set search_path = '' as $$
  select (pg_catalog.now() at time zone 'UTC')::date
$$;
comment on function enrich._utc_today() is
  'Today in UTC: daily budgets and the ledger count by UTC day.';
