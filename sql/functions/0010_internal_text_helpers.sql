-- Internal text helpers shared by the normalisation functions.
-- Pure SQL functions without SET search_path, so the planner can inline them (a SET clause
-- forbids inlining and costs a GUC save/restore per call); every name in them is qualified.

create or replace function enrich._clean_text(p_value text) returns text
language sql immutable parallel safe as $$
  select nullif(regexp_replace(btrim(p_value, E' \t\r\n\u00a0'), '\s+', ' ', 'g'), '')
$$;
comment on function enrich._clean_text(text) is
  'Trim, collapse inner whitespace, empty -> NULL.';

create or replace function enrich._lower(p_value text) returns text
language sql immutable parallel safe as $$
  select lower(p_value collate "und-x-icu")
$$;
comment on function enrich._lower(text) is 'Unicode-aware lower case (ICU), whatever the database locale.';

create or replace function enrich._percent_decode(p_value text) returns text
language sql immutable parallel safe as $$
  -- %XX escapes decoded as UTF-8; text whose escapes do not decode to valid UTF-8 (or to a
  -- NUL, which text cannot hold) stays as written. Validity is checked on the hex of the
  -- bytes rather than by catching convert_from's error: an exception block would start a
  -- subtransaction per call, which parallel workers cannot do (normalisation runs in
  -- parallel plans).
  select case
    when p_value is null or strpos(p_value, '%') = 0 then p_value  -- the common case
    else (select case when encode(decoded.bytes, 'hex') ~ '^(?:0[1-9a-f]|[1-7][0-9a-f]|c[2-9a-f][89ab][0-9a-f]|d[0-9a-f][89ab][0-9a-f]|e0[ab][0-9a-f][89ab][0-9a-f]|e[1-9a-cef][89ab][0-9a-f][89ab][0-9a-f]|ed[89][0-9a-f][89ab][0-9a-f]|f0[9ab][0-9a-f](?:[89ab][0-9a-f]){2}|f[1-3](?:[89ab][0-9a-f]){3}|f48[0-9a-f](?:[89ab][0-9a-f]){2})*$'
                      then convert_from(decoded.bytes, 'UTF8')
                      else p_value end
            from (select string_agg(case when m[1] is not null
                                         then decode(substr(m[1], 2), 'hex')
                                         else convert_to(m[2], 'UTF8') end,
                                    ''::bytea order by ord) as bytes
                    from regexp_matches(p_value, '(%[0-9A-Fa-f]{2})|([^%]+|%)', 'g')
                         with ordinality as t(m, ord)) as decoded)
  end
$$;

create or replace function enrich._host_of_cleaned(p_value text) returns text
language sql immutable parallel safe as $$
  -- One expression (so the planner inlines it): drop scheme, path/query/fragment, userinfo,
  -- port and trailing dots, then keep the host only if it is a valid multi-label name.
  select substring(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      enrich._lower(p_value),
      '^[a-z][a-z0-9+.-]*://', ''), '^//', ''), '[/?#\\].*$', ''), '^.*@', ''), ':[0-9]*$', ''),
      '\.+$', '')
    from '^(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?$')
$$;
comment on function enrich._host_of_cleaned(text) is
  '_url_host of text already cleaned by _clean_text (the split step cleans each value once).';

create or replace function enrich._url_host(p_value text) returns text
language sql immutable parallel safe as $$
  select enrich._host_of_cleaned(enrich._clean_text(p_value))
$$;
comment on function enrich._url_host(text) is
  'The host of a domain, URL or URL-like text: lower-case, no scheme, userinfo, port, path, '
  'query or trailing dot. NULL unless it has two or more labels and an alphabetic TLD '
  '(so no IP addresses, no localhost, no free text).';
