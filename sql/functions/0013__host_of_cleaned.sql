-- enrich._host_of_cleaned: the host of a domain or URL already cleaned by _clean_text (the
-- split step cleans each value once). Pure SQL without SET search_path, so it inlines. An all-ASCII
-- value (almost every one) has no ideographic full stop to translate, so it skips the
-- translate, dear on every row.

create or replace function enrich._host_of_cleaned(p_value text) returns text
language sql immutable parallel safe as $$
  -- One expression (so the planner inlines it): ideographic full stops as dots, drop scheme,
  -- path/query/fragment, userinfo, port and trailing dots, then keep the host only if it is
  -- a valid multi-label name.
  select substring(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      case when octet_length(p_value) = length(p_value) then enrich._lower(p_value)
           else translate(enrich._lower(p_value), '。．｡', '...') end,
      '^[a-z][a-z0-9+.-]*://', ''), '^//', ''), '[/?#\\].*$', ''), '^.*@', ''), ':[0-9]*$', ''),
      '\.+$', '')
    from '^(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?$')
$$;
comment on function enrich._host_of_cleaned(text) is
  '_url_host of text already cleaned by _clean_text (the split step cleans each value once).';
