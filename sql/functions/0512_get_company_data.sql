-- enrich.get_company_data: what is sent to Clay for a company (the claim's payload).
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_company_data(p_company_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'company_id', c.id, 'company_domain', c.domain, 'company_name', c.name,
           'company_website', c.website,
           'company_linkedin_url', (select i.value from enrich.company_identifiers i
                                     where i.company_id = c.id
                                       and i.kind in ('linkedin_page', 'linkedin_company_id')
                                     order by i.kind desc, i.created_at, i.value limit 1),
           'company_key_kind', coalesce(case when c.domain is not null then 'domain' end,
                                        (select i.kind from enrich.company_identifiers i
                                          where i.company_id = c.id
                                          order by array_position(array['domain',
                                                   'linkedin_page', 'linkedin_company_id',
                                                   'name'], i.kind) limit 1))))
  from enrich.normalized_companies c where c.id = p_company_id
$$;
comment on function enrich.get_company_data(uuid) is
  'The fields sent to Clay for a company (from normalized_companies and its identifiers, '
  'never batch_items): company_id, company_domain, company_name, company_website, '
  'company_linkedin_url (its page, else linkedin-id:<n>), company_key_kind (domain, '
  'linkedin_page, linkedin_company_id or name: what Clay can find it by); NULL if unknown.';
