-- enrich._spreadsheet_safe: a CSV cell that a spreadsheet would run as a formula gets a
-- leading apostrophe (OWASP "CSV injection"); plain numbers such as -5 stay numbers.

create or replace function enrich._spreadsheet_safe(p_text text) returns text
language sql immutable parallel safe as $$  -- inlined (no SET clause): called for every cell
  -- (ascii: the first character's code, without a regular expression's pass over the text)
  select case when ascii(p_text) in (61, 43, 45, 64, 9, 13)  -- = + - @ tab return
               and p_text !~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$'
              then '''' || p_text else p_text end
$$;
comment on function enrich._spreadsheet_safe(text) is
  'p_text with a leading apostrophe when it starts with = + - @, a tab or a carriage return '
  'and is not a plain number, so Excel, Google Sheets and LibreOffice show it as text.';
