-- enrich._compact_json: a JSON value as compact text (no space after , and :), as a CSV
-- cell shows nested values. jsonb's own text puts one space after each separator and none
-- anywhere else outside strings: the strings are matched whole and kept, the spaces dropped.

create or replace function enrich._compact_json(p_value jsonb) returns text
language sql immutable parallel safe as $$  -- inlined (no SET clause): called for every cell
  select regexp_replace(p_value::text, '("(?:[^"\\]|\\.)*")|([,:]) ', '\1\2', 'g')
$$;
comment on function enrich._compact_json(jsonb) is
  'p_value as compact JSON text: no space after commas and colons, keys in jsonb''s order.';
