-- enrich.company_key: the dedupe key of a row's company (its registrable domain).

create or replace function enrich.company_key(
  p_company_domain text, p_company_website text, p_email text
) returns text
language sql stable parallel safe set search_path = '' as $$
  select enrich._company_key(p_company_domain, p_company_website,
                             split_part(enrich.normalize_email(p_email), '@', 2))
$$;
comment on function enrich.company_key(text, text, text) is
  'Company dedupe key: registrable domain of company_domain, else of company_website, else '
  'of the email''s domain unless it is a free-mail provider. NULL: the row names no company.';
