-- enrich._column_field: the input field a column or JSON key names (by its whole normalised
-- form: its own name however spelled, an alias in enrich.column_aliases, or an email by number
-- such as "Email 2"), else NULL. The loader (pyworker.load.files.Columns) maps a header alike.

create or replace function enrich._column_field(p_name text) returns text
language sql stable set search_path = '' as $$
  with normalised as (select enrich._column_key(p_name) as key)
  select coalesce(
    (select f.field from normalised n, pg_catalog.unnest(array[
       'email', 'first_name', 'last_name', 'full_name', 'linkedin_url', 'title', 'company_name',
       'company_domain', 'company_website', 'company_linkedin_url']) as f(field)
      where pg_catalog.replace(f.field, '_', '') = n.key),
    (select a.field from normalised n join enrich.column_aliases a on a.alias = n.key),
    (select 'email' from normalised n where n.key ~ '^(email|emailaddress)[0-9]+$'))
$$;
comment on function enrich._column_field(text) is
  'The input field a column or key names (its own name in any spelling first, then an alias, '
  'then "email" for an email by number: Email 2, E-mail Address 3), or NULL: the column is kept '
  'as plain data.';
