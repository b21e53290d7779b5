-- enrich._column_field: the input field a column or JSON key names (by its whole normalised
-- form: its own name however spelled, or an alias in enrich.column_aliases), else NULL.

create or replace function enrich._column_field(p_name text) returns text
language sql stable set search_path = '' as $$
  with normalised as (select enrich._column_key(p_name) as key)
  select coalesce(
    (select f.field from normalised n, pg_catalog.unnest(array[
       'email', 'first_name', 'last_name', 'full_name', 'linkedin_url', 'title', 'company_name',
       'company_domain', 'company_website']) as f(field)
      where pg_catalog.replace(f.field, '_', '') = n.key),
    (select a.field from normalised n join enrich.column_aliases a on a.alias = n.key))
$$;
comment on function enrich._column_field(text) is
  'The input field a column or key names (its own name in any spelling first, then an alias), '
  'or NULL: the column is kept as plain data.';
