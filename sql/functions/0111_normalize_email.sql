-- enrich.normalize_email: lower-cased, trimmed email, or NULL when it is not an address.

create or replace function enrich.normalize_email(p_email text) returns text
language sql immutable parallel safe as $$
  select enrich._email_of_cleaned(enrich._clean_text(p_email))
$$;
comment on function enrich.normalize_email(text) is
  'Trimmed, lower-cased email address; NULL unless it is local@host with a valid host.';
