-- Each part of a load in parts counts the items it started in a row of its own, and
-- finish_loading sums them: counting a million items once the parts had committed took
-- 0.6-1.5 s at the end of each 1M-row load (every row read back and its hint bits set). Not
-- a counter on the batch's row: a result's cascade may hold that row while it waits on a
-- running part's share lock on its entity, and the part's update would close a deadlock.
-- depends: 0011_loading_batches

create table enrich.loading_batch_parts (
  id         bigint generated always as identity primary key,
  batch_id   uuid not null,
  item_count integer not null check (item_count >= 0),
  started_at timestamptz not null default now()
);
create index loading_batch_parts_batch_idx on enrich.loading_batch_parts (batch_id);
comment on table enrich.loading_batch_parts is
  'The items each committed part of a load in parts started (start_batch of a LOADING '
  'batch); finish_loading sums them into batches.item_count and deletes them.';
