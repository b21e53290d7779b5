-- enrich.person_key: the dedupe key of a row's person.

create or replace function enrich.person_key(
  p_linkedin_url text, p_email text, p_full_name text, p_first_name text, p_last_name text,
  p_company_key text
) returns text
language sql immutable parallel safe as $$
  select enrich._person_key(
    enrich.normalize_linkedin_url(p_linkedin_url), enrich.normalize_email(p_email),
    coalesce(enrich._clean_text(p_full_name), concat_ws(' ', p_first_name, p_last_name)),
    p_company_key)
$$;
comment on function enrich.person_key(text, text, text, text, text, text) is
  'Person dedupe key: normalised LinkedIn URL, else lower-cased email, else '
  '"name:<full name>@<company key>". NULL when none of these is known.';
