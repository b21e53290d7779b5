-- enrich._clean_text: drop zero-width characters, trim, collapse inner whitespace, empty ->
-- NULL. The first thing every normalisation does to a value. Pure SQL without SET search_path (names qualified), so it
-- inlines: a SET clause forbids inlining and costs a GUC save/restore per call.

create or replace function enrich._clean_text(p_value text) returns text
language sql immutable parallel safe as $$
  -- (zero-width spaces, joiners and byte-order marks, invisible in a spreadsheet, go too:
  -- ada\u200b@acme.com is ada@acme.com; an all-ASCII value, almost every one, has none and
  -- skips the translate, the dearest part of the cleaning)
  select nullif(regexp_replace(btrim(case when octet_length(p_value) = length(p_value) then p_value
                                          else translate(p_value, E'\u200b\u200c\u200d\u2060\ufeff', '')
                                     end,
                                     E' \t\r\n\u00a0'), '\s+', ' ', 'g'), '')
$$;
comment on function enrich._clean_text(text) is
  'Drop zero-width characters, trim, collapse inner whitespace, empty -> NULL.';
