-- enrich._is_free_mail_domain: whether a host belongs to a free-mail provider, whose domain
-- names no company (company_key skips it).

create or replace function enrich._is_free_mail_domain(p_host text) returns boolean
language sql stable parallel safe set search_path = '' as $$
  select exists (select from enrich.free_email_domains f
                  where f.domain in (p_host, enrich.registrable_domain(p_host)))
$$;
comment on function enrich._is_free_mail_domain(text) is
  'True when the host, or its registrable domain, is a free-mail provider (gmail.com, ...).';
