-- Fewer per-row costs on the bulk path (a million-row batch writes a million items and three
-- million item steps in one transaction), each measured on 100,000 rows:
--
-- 1. batch_items.batch_id loses its foreign key. PostgreSQL checks it with one query per
--    row when an item is inserted AND again whenever the item is updated by the transaction
--    that inserted it (the update supersedes the insert's check), and a loading transaction
--    inserts every item, then rewrites it with its normalised values and links: 8 µs per
--    row at COPY, 5 µs per row per rewrite. Only our functions write items, always into a
--    batch created in the same transaction; `enrich doctor` (enrich.check_invariants)
--    reports items of missing batches and prune deletes a batch's items explicitly.
-- 2. workflow_states is keyed by (item_id, step_name), the key everything looks it up by,
--    instead of a random uuid nothing looks it up by: one b-tree insert fewer per item step
--    (3 µs). The id column stays (same default), unindexed.
-- depends: 0004_roles

alter table enrich.batch_items drop constraint batch_items_batch_id_fkey;

comment on column enrich.batch_items.batch_id is
  'The batch (batches.id). No foreign key (per-row checks at bulk scale, see migration 0005); '
  'enrich.check_invariants reports orphans and prune_batches deletes items with their batch.';

alter table enrich.workflow_states drop constraint workflow_states_pkey;
alter table enrich.workflow_states drop constraint workflow_states_item_id_step_name_key;
alter table enrich.workflow_states add constraint workflow_states_pkey
  primary key (item_id, step_name);

comment on column enrich.workflow_states.id is
  'A unique id for the item step (gen_random_uuid()); not indexed: rows are found by their '
  'key, (item_id, step_name).';
