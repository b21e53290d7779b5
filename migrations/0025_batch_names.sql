-- A batch carries the name people know it by (its file's, or `enrich load --name`) and the
-- delimiter its file used, so that `enrich export --excel` writes it back the same way.
-- Names need not be unique: a BATCH argument naming several batches is refused, listing them.
-- depends: 0024_identities

alter table enrich.batches add column name text;
alter table enrich.batches add constraint name_is_printable
  check (length(name) between 1 and 200 and name !~ '[\u0001-\u001f\u007f]');
alter table enrich.batches add column input_delimiter text;
alter table enrich.batches add constraint input_delimiter_is_known
  check (input_delimiter in (',', ';', E'\t', '|'));
create index batches_name_idx on enrich.batches (name) where name is not null;
comment on column enrich.batches.name is
  'What people call the batch: its file''s name by default (enrich load --name). Not unique.';
comment on column enrich.batches.input_delimiter is
  'The delimiter of the CSV file it was loaded from (NULL for JSONL or create_batch).';

-- export_columns also says the file's delimiter (its result type changes: sql/ makes it again)
drop function if exists enrich.export_columns(uuid);

-- the batch list's pages, newest first (enrich.find_batches), at any depth
create index batches_created_idx on enrich.batches (created_at, id);
