-- A load in parts with --max-new-calls: its claims are held until finish_loading has
-- checked the limit, so nothing is paid before a refusal. The batch keeps the limit (the
-- parts' transactions, and results advancing its items, read it); a held dispatch waits
-- with available_at = 'infinity' (never due: the claim statement is unchanged) and names
-- its batch.
-- depends: 0021_batch_counts

alter table enrich.batches
  add column max_new_calls bigint,
  add constraint max_new_calls_not_negative check (max_new_calls >= 0),
  add constraint max_new_calls_only_while_loading
    check (max_new_calls is null or status = 'LOADING');
comment on column enrich.batches.max_new_calls is
  'While LOADING: the most new paid calls finish_loading lets this load in parts make; its '
  'claims are held until then. NULL: no limit, nothing held.';

-- the LOADING batches whose claims are held: looked up at every claim
create index batches_holding_idx on enrich.batches (id)
  where status = 'LOADING' and max_new_calls is not null;
-- a held load's dispatches, found by their batch when it finishes or is discarded
create index dispatches_held_idx on enrich.dispatches (batch_id)
  where available_at = 'infinity';

-- their signatures grow an optional argument (the files in sql/ create the new ones)
drop function if exists enrich.open_batch(text, boolean, text);
drop function if exists enrich.finish_loading(uuid, text);
drop function if exists enrich._queue_dispatches(text, text, uuid[], text, uuid);
