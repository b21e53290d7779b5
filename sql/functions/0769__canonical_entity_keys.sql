-- enrich._canonical_entity_keys: the entities of a type whose stored key is not in today's
-- canonical form, with that form: a company's Unicode domain (its A-label, matched against
-- the Public Suffix List once per distinct domain), a person's email with mailto: or a
-- Unicode domain, or a name key whose company part is no longer its company's key (run it
-- for people after the companies have their canonical keys).

create or replace function enrich._canonical_entity_keys(p_entity_type text)
returns table (id uuid, old_key text, new_key text)
language sql stable set search_path = '' as $$
  with unicode_domains as (
    select c.id, c.domain from enrich.normalized_companies c
    where p_entity_type = 'company' and c.domain ~ '[^\u0001-\u007f]'
  )
  select u.id, u.domain, d.registrable_domain
  from unicode_domains u
  join enrich._registrable_domains(array(select distinct u.domain from unicode_domains u)) d
    on d.host = u.domain
  where d.registrable_domain <> u.domain
  union all
  select p.id, p.person_key, enrich.normalize_email(p.person_key)
  from enrich.normalized_people p
  where p_entity_type = 'person' and p.person_key !~ '^(name:|https://)'
    and (p.person_key like 'mailto:%' or split_part(p.person_key, '@', 2) ~ '[^\u0001-\u007f]')
    and enrich.normalize_email(p.person_key) <> p.person_key
  union all
  select p.id, p.person_key, substring(p.person_key from '^(.*@)') || c.domain
  from enrich.normalized_people p
  join enrich.normalized_companies c on c.id = p.company_id
  where p_entity_type = 'person' and p.person_key like 'name:%'
    and p.person_key ~ '[^\u0001-\u007f]'
    and substring(p.person_key from '@([^@]*)$') ~ '[^\u0001-\u007f]'
    and substring(p.person_key from '@([^@]*)$') <> c.domain
$$;
comment on function enrich._canonical_entity_keys(text) is
  'Entities of a type (company, person) stored under a key that is not canonical, with the '
  'canonical key.';
