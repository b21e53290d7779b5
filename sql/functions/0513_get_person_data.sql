-- enrich.get_person_data: what is sent to Clay for a person (the claim's payload).
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_person_data(p_person_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'person_id', p.id, 'email', p.email, 'first_name', p.first_name,
           'last_name', p.last_name, 'full_name', p.full_name, 'linkedin_url', p.linkedin_url,
           'title', p.title, 'company_domain', c.domain, 'company_name', c.name))
  from enrich.normalized_people p
  left join enrich.normalized_companies c on c.id = p.company_id
  where p.id = p_person_id
$$;
comment on function enrich.get_person_data(uuid) is
  'The fields sent to Clay for a person (from normalized_people and its '
  'company); NULL if unknown.';
