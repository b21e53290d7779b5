-- enrich._csv_cell: a JSON value (an input column, a result field) as one CSV cell.

create or replace function enrich._csv_cell(p_value jsonb, p_raw boolean) returns text
language sql immutable parallel safe as $$  -- inlined (no SET clause): called for every cell
  select case jsonb_typeof(p_value)
           when 'string' then case when p_raw then p_value #>> '{}'
                                   else enrich._spreadsheet_safe(p_value #>> '{}') end
           when 'null' then null
           when 'number' then p_value::text
           when 'boolean' then p_value::text
           else enrich._compact_json(p_value) end  -- nested values as compact JSON
$$;
comment on function enrich._csv_cell(jsonb, boolean) is
  'A JSON value as a CSV cell: text as it is (spreadsheet-safe unless p_raw), numbers as '
  'written, booleans and nested values as JSON, nothing for null.';
