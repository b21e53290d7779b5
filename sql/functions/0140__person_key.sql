-- enrich._person_key: person_key from values already normalised (the split step has them at
-- hand). Pure SQL without SET search_path, so it inlines.

create or replace function enrich._person_key(
  p_linkedin_key text, p_email_key text, p_name text, p_company_key text
) returns text
language sql immutable parallel safe as $$
  select coalesce(p_linkedin_key, p_email_key,
                  'name:' || enrich._lower(enrich._clean_text(p_name)) || '@' || p_company_key)
$$;
comment on function enrich._person_key(text, text, text, text) is
  'person_key() from values already normalised (the split step has them at hand).';
