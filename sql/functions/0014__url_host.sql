-- enrich._url_host: the host of a domain, URL or URL-like text, or NULL when it is no
-- multi-label host name. Pure SQL without SET search_path, so it inlines.

create or replace function enrich._url_host(p_value text) returns text
language sql immutable parallel safe as $$
  select enrich._host_of_cleaned(enrich._clean_text(p_value))
$$;
comment on function enrich._url_host(text) is
  'The host of a domain, URL or URL-like text: lower-case, no scheme, userinfo, port, path, '
  'query or trailing dot. NULL unless it has two or more labels and an alphabetic TLD '
  '(so no IP addresses, no localhost, no free text).';
