-- enrich.normalize_email: lower-cased, trimmed email, or NULL when it is not an address.

create or replace function enrich.normalize_email(p_email text) returns text
language sql immutable parallel safe as $$
  select enrich._idna_email(enrich._email_of_cleaned(enrich._clean_text(p_email)))
$$;
comment on function enrich.normalize_email(text) is
  'Trimmed, lower-cased email address (without mailto: or a trailing dot, the domain in '
  'A-label form); NULL unless it is local@host with a valid host.';
