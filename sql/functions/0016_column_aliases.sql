-- enrich.column_aliases_map: every alias and the field it names, for the loader (which maps a
-- file's header once, in Python, the way enrich._column_field does).

create or replace function enrich.column_aliases_map() returns jsonb
language sql stable set search_path = '' as $$
  select coalesce(jsonb_object_agg(a.alias, a.field), '{}') from enrich.column_aliases a
$$;
comment on function enrich.column_aliases_map() is
  'The alias table as one JSON object: normalised alias -> input field.';
