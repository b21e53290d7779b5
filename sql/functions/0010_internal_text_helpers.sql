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
language plpgsql immutable parallel restricted as $$
begin
  if p_value is null or strpos(p_value, '%') = 0 then
    return p_value;  -- the common case, outside the block below: entering it starts a
  end if;            -- subtransaction (costly per row, and not allowed in parallel workers)
  begin
    return convert_from(
      (select string_agg(
                case when m[1] is not null then decode(substr(m[1], 2), 'hex')
                     else convert_to(m[2], 'UTF8') end,
                ''::bytea order by ord)
         from regexp_matches(p_value, '(%[0-9A-Fa-f]{2})|([^%]+|%)', 'g') with ordinality as t(m, ord)),
      'UTF8');
  exception when character_not_in_repertoire or untranslatable_character then
    return p_value;  -- not valid UTF-8 once decoded: keep it as written
  end;
end;
$$;

create or replace function enrich._url_host(p_value text) returns text
language sql immutable parallel safe as $$
  -- One expression (so the planner inlines it): drop scheme, path/query/fragment, userinfo,
  -- port and trailing dots, then keep the host only if it is a valid multi-label name.
  select substring(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      enrich._lower(enrich._clean_text(p_value)),
      '^[a-z][a-z0-9+.-]*://', ''), '^//', ''), '[/?#\\].*$', ''), '^.*@', ''), ':[0-9]*$', ''),
      '\.+$', '')
    from '^(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?$')
$$;
comment on function enrich._url_host(text) is
  'The host of a domain, URL or URL-like text: lower-case, no scheme, userinfo, port, path, '
  'query or trailing dot. NULL unless it has two or more labels and an alphabetic TLD '
  '(so no IP addresses, no localhost, no free text).';
