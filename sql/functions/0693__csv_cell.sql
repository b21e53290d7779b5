-- enrich._csv_cell: a JSON value (an input column, a result field) as one CSV cell, given
-- its text (->>, read once per row) and, for the rare nested value, the value itself.

create or replace function enrich._csv_cell(p_text text, p_value jsonb, p_raw boolean)
returns text
language sql immutable parallel safe as $$  -- inlined (no SET clause): called for every cell
  -- Most cells start with none of the characters that need a look: one test of the first
  -- character's code (ascii) lets them through.
  select case when ascii(p_text) not in (9, 13, 43, 45, 61, 64, 91, 123)  -- tab return + - = @ [ {
              then p_text
              when ascii(p_text) in (91, 123)
              then case when jsonb_typeof(p_value) in ('object', 'array')
                        then enrich._compact_json(p_value) else p_text end
              when p_raw then p_text
              else enrich._spreadsheet_safe(p_text) end
$$;
comment on function enrich._csv_cell(text, jsonb, boolean) is
  'A JSON value as a CSV cell from its text (->>) and value: text, numbers and booleans as '
  'they are (spreadsheet-safe unless p_raw), nested values as compact JSON, nothing for null.';
