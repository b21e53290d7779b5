-- enrich.normalize_email: lower-cased, trimmed email, or NULL when it is not an address.

create or replace function enrich.normalize_email(p_email text) returns text
language sql immutable parallel safe as $$
  -- local part, then the same host rule as _url_host (one expression, so it inlines)
  select substring(enrich._lower(enrich._clean_text(p_email))
    from '^[^@\s]+@(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?$')
$$;
comment on function enrich.normalize_email(text) is
  'Trimmed, lower-cased email address; NULL unless it is local@host with a valid host.';
