-- enrich._company_key_error: why a row has no company key, in words, for the split step's
-- meta.error.

create or replace function enrich._company_key_error(
  p_company_domain text, p_company_website text, p_email text
) returns text
language sql stable parallel safe set search_path = '' as $$
  select 'no company key: ' || coalesce(nullif(concat_ws('; ',
    case when p_company_domain is not null
         then format('company_domain %s is not a registrable domain', quote_literal(p_company_domain)) end,
    case when p_company_website is not null
         then format('company_website %s has no registrable domain', quote_literal(p_company_website)) end,
    case when p_email is not null and enrich.normalize_email(p_email) is null
         then format('email %s is not an email address', quote_literal(p_email))
         when p_email is not null
         then format('email domain %s is a free-mail provider',
                     quote_literal(split_part(enrich.normalize_email(p_email), '@', 2))) end), ''),
    'the row has no company_domain, company_website, company_linkedin_url, company_name or email')
$$;
comment on function enrich._company_key_error(text, text, text) is
  'Why company_key() is NULL for these values, for the split step''s meta.error.';
