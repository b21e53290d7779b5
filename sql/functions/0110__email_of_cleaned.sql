-- enrich._email_of_cleaned: normalize_email of text already cleaned by _clean_text (the split
-- step cleans each value once). Pure SQL without SET search_path, so it inlines. An all-ASCII
-- value (almost every one) has no ideographic full stop to translate, so it skips the
-- translate, dear on every row.

create or replace function enrich._email_of_cleaned(p_email text) returns text
language sql immutable parallel safe as $$
  -- without a mailto: (and its ?subject=...) or a trailing dot, the local part, then the
  -- same host rule as _url_host (one expression, so it inlines). A non-ASCII domain is not
  -- in canonical form yet: normalize_email and the split step pass it through _idna_email.
  select substring(
    regexp_replace(regexp_replace(case when octet_length(p_email) = length(p_email) then enrich._lower(p_email)
           else translate(enrich._lower(p_email), '。．｡', '...') end, '^mailto:([^?]*).*$', '\1'), '\.+$', '')
    from '^[^@\s]+@(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?$')
$$;
comment on function enrich._email_of_cleaned(text) is
  'normalize_email of text already cleaned by _clean_text, but for the canonical form of a '
  'non-ASCII domain (_idna_email).';
