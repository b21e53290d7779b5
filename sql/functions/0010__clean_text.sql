-- enrich._clean_text: trim, collapse inner whitespace, empty -> NULL. The first thing every
-- normalisation does to a value. Pure SQL without SET search_path (names qualified), so it
-- inlines: a SET clause forbids inlining and costs a GUC save/restore per call.

create or replace function enrich._clean_text(p_value text) returns text
language sql immutable parallel safe as $$
  select nullif(regexp_replace(btrim(p_value, E' \t\r\n\u00a0'), '\s+', ' ', 'g'), '')
$$;
comment on function enrich._clean_text(text) is
  'Trim, collapse inner whitespace, empty -> NULL.';
