-- enrich.normalize_email: lower-cased, trimmed email, or NULL when it is not an address.

create or replace function enrich.normalize_email(p_email text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select e from enrich._lower(enrich._clean_text(p_email)) as e
  where e ~ '^[^@\s]+@[^@\s]+$' and enrich._url_host(split_part(e, '@', 2)) = split_part(e, '@', 2)
$$;
comment on function enrich.normalize_email(text) is
  'Trimmed, lower-cased email address; NULL unless it is local@host with a valid host.';
