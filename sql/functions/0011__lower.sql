-- enrich._lower: Unicode-aware lower case (ICU), whatever the database locale.
-- Pure SQL without SET search_path, so it inlines.

create or replace function enrich._lower(p_value text) returns text
language sql immutable parallel safe as $$
  select lower(p_value collate "und-x-icu")
$$;
comment on function enrich._lower(text) is 'Unicode-aware lower case (ICU), whatever the database locale.';
