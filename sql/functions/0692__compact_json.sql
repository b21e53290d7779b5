-- enrich._compact_json: a JSON value as compact text (no space after , and :), as a CSV
-- cell shows nested values. jsonb's own text has those spaces.

create or replace function enrich._compact_json(p_value jsonb) returns text
language plpgsql immutable parallel safe set search_path = '' as $$
begin
  return case jsonb_typeof(p_value)
    when 'object' then
      '{' || coalesce((select string_agg(to_jsonb(e.key)::text || ':' || enrich._compact_json(e.value), ',')
                       from jsonb_each(p_value) e), '') || '}'
    when 'array' then
      '[' || coalesce((select string_agg(enrich._compact_json(e.value), ',' order by e.n)
                       from jsonb_array_elements(p_value) with ordinality e(value, n)), '') || ']'
    else p_value::text end;
end;
$$;
comment on function enrich._compact_json(jsonb) is
  'p_value as compact JSON text: no space after commas and colons, keys in jsonb''s order.';
