-- enrich.company_key: the dedupe key of a row's company (its registrable domain).
-- _company_key takes the email's domain so the split step can key distinct values only.

create or replace function enrich._is_free_mail_domain(p_host text) returns boolean
language sql stable parallel safe set search_path = '' as $$
  select exists (select from enrich.free_email_domains f
                  where f.domain in (p_host, enrich.registrable_domain(p_host)))
$$;
comment on function enrich._is_free_mail_domain(text) is
  'True when the host, or its registrable domain, is a free-mail provider (gmail.com, ...).';

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
    'the row has no company_domain, company_website or email')
$$;
comment on function enrich._company_key_error(text, text, text) is
  'Why company_key() is NULL for these values, for the split step''s meta.error.';
