-- set_workflow creates a workflow only when told to (p_create): a typo in a slug must not
-- make a new, empty workflow. The function's signature changes; sql/ re-creates it.
-- depends: 0014_sql_layout

drop function if exists enrich.set_workflow(text, text[], interval, integer, numeric, integer,
  interval, boolean, text, numeric, integer, text, integer, integer, boolean, text[]);
