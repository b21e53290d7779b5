-- enrich.get_person_data: what is sent to Clay for a person (the claim's payload).
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_person_data(p_person_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'person_id', p.id,
           'email', coalesce((select e.email from unnest(emails.all_of_them) e(email)
                               where not enrich._is_free_mail_domain(split_part(e.email, '@', 2))
                               limit 1),
                             emails.all_of_them[1], p.email),
           'emails', case when cardinality(emails.all_of_them) > 0
                          then to_jsonb(emails.all_of_them) end,
           'first_name', p.first_name,
           'last_name', p.last_name, 'full_name', p.full_name, 'linkedin_url', p.linkedin_url,
           'title', p.title, 'company_domain', c.domain, 'company_name', c.name,
           'company_linkedin_url', (select i.value from enrich.company_identifiers i
                                     where i.company_id = c.id
                                       and i.kind in ('linkedin_page', 'linkedin_company_id')
                                     order by i.kind desc, i.created_at, i.value limit 1)))
  from enrich.normalized_people p
  left join enrich.normalized_companies c on c.id = p.company_id
  cross join lateral (
    select array(select i.value from enrich.person_identifiers i
                  where i.person_id = p.id and i.kind = 'email'
                  order by i.value = p.email desc, i.created_at, i.value) as all_of_them) emails
  where p.id = p_person_id
$$;
comment on function enrich.get_person_data(uuid) is
  'The fields sent to Clay for a person (from normalized_people, its identifiers and its '
  'company): email is the first address that is not free mail, else the first; emails '
  'lists every address that identifies the person (role mailboxes never do); NULL if '
  'unknown.';
