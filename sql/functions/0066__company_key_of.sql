-- enrich._company_key_of: a company's key, its best identifier: its domain, else its LinkedIn
-- page, else its numeric LinkedIn id, else its name (the items' company_key).

create or replace function enrich._company_key_of(p_company_id uuid) returns text
language sql stable set search_path = '' as $$
  select i.value from enrich.company_identifiers i
  where i.company_id = p_company_id
  order by array_position(array['domain', 'linkedin_page', 'linkedin_company_id', 'name'],
                          i.kind), i.value
  limit 1
$$;
comment on function enrich._company_key_of(uuid) is
  'A company''s best identifier: domain, else LinkedIn page, else numeric LinkedIn id, else '
  'name; NULL when it has none.';
