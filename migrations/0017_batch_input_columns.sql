-- The columns of the file a batch was loaded from, in the file's order and spelling, so the
-- export gives the user's own columns back as they were (the items' data keeps them under
-- trimmed, lower-case keys, or under an input field's name when a column maps to one).
-- depends: 0016_column_aliases

alter table enrich.batches add column input_columns jsonb;
alter table enrich.batches add constraint input_columns_is_an_array
  check (jsonb_typeof(input_columns) = 'array');
comment on column enrich.batches.input_columns is
  'The input''s columns in order: [{"heading": as the file spells it, "key": the key of the '
  'items'' data it is stored under}, ...]; sorted for create_batch (JSON objects keep no key '
  'order); NULL for batches loaded before it was kept (the export then sorts the data keys).';

-- its result now also says which steps have errors, and the result fields per workflow
drop function if exists enrich.export_columns(uuid);
