-- enrich._canonical_entity_keys: the entities of a type whose stored key is not in today's
-- canonical form, with that form: a company's Unicode domain (its A-label), a person's
-- email with mailto: or a Unicode domain, or a name key whose company key is Unicode.

create or replace function enrich._canonical_entity_keys(p_entity_type text)
returns table (id uuid, old_key text, new_key text)
language sql stable set search_path = '' as $$
  select c.id, c.domain, d.registrable_domain
  from enrich.normalized_companies c
  cross join lateral enrich._registrable_domains(array[c.domain]) d
  where p_entity_type = 'company' and c.domain ~ '[^\u0001-\u007f]'
    and d.registrable_domain <> c.domain
  union all
  select p.id, p.person_key, k.new_key
  from enrich.normalized_people p
  cross join lateral (select case
    when p.person_key like 'name:%' then
      substring(p.person_key from '^(.*@)') || coalesce(
        (select d.registrable_domain from enrich._registrable_domains(
           array[substring(p.person_key from '@([^@]*)$')]) d),
        substring(p.person_key from '@([^@]*)$'))
    when p.person_key like 'https://%' then p.person_key
    else enrich.normalize_email(p.person_key) end as new_key) k
  where p_entity_type = 'person'
    and (p.person_key ~ '[^\u0001-\u007f]' or p.person_key like 'mailto:%')
    and k.new_key <> p.person_key
$$;
comment on function enrich._canonical_entity_keys(text) is
  'Entities of a type (company, person) stored under a key that is not canonical, with the '
  'canonical key.';
