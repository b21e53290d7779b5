-- enrich._column_key: a column's name as headers are matched: lower case, ASCII letters and
-- digits only (the loader's pyworker.load.files._normalised is the same).

create or replace function enrich._column_key(p_name text) returns text
language sql immutable parallel safe as $$
  select pg_catalog.regexp_replace(pg_catalog.lower(p_name), '[^a-z0-9]', '', 'g')
$$;
comment on function enrich._column_key(text) is
  'A column or JSON key as headers are matched: lower case, ASCII letters and digits only.';
