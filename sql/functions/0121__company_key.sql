-- enrich._company_key: company_key with the email already reduced to its domain, so the split
-- step can key distinct values only.

create or replace function enrich._company_key(
  p_company_domain text, p_company_website text, p_email_domain text
) returns text
language sql stable parallel safe set search_path = '' as $$
  select coalesce(
    enrich.registrable_domain(p_company_domain),
    enrich.registrable_domain(p_company_website),
    case when not enrich._is_free_mail_domain(p_email_domain)
         then enrich.registrable_domain(p_email_domain) end)
$$;
comment on function enrich._company_key(text, text, text) is
  'company_key() with the email already reduced to its domain.';
