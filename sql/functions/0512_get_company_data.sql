-- enrich.get_company_data: what is sent to Clay for a company (the claim's payload).
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_company_data(p_company_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'company_id', c.id, 'company_domain', c.domain, 'company_name', c.name,
           'company_website', c.website))
  from enrich.normalized_companies c where c.id = p_company_id
$$;
comment on function enrich.get_company_data(uuid) is
  'The fields sent to Clay for a company (from normalized_companies, never '
  'batch_items); NULL if unknown.';
