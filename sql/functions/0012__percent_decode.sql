-- enrich._percent_decode: %XX escapes decoded as UTF-8 (LinkedIn slugs), else the text as
-- written. Pure SQL without SET search_path, so it inlines.

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
