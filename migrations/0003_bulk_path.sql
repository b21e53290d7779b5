-- The bulk path: a million-row batch writes ~4 million item rows and states in one
-- transaction. PostgreSQL checks a foreign key with one query per row (no batching in 15),
-- so the links that only our functions write lose their per-row checks; `enrich doctor`
-- (enrich.check_invariants) checks them set-based instead, and prune deletes explicitly.
-- depends: 0002_reference_data

alter table enrich.workflow_states drop constraint workflow_states_item_id_fkey;
alter table enrich.batch_items drop constraint batch_items_company_id_fkey;
alter table enrich.batch_items drop constraint batch_items_person_id_fkey;
alter table enrich.normalized_people drop constraint normalized_people_batch_item_id_fkey;
alter table enrich.normalized_people drop constraint normalized_people_company_id_fkey;

-- Nothing looks items up by entity (the cascade goes through workflow_states' entity index)
-- nor people by company or first item.
drop index enrich.batch_items_company_id_idx;
drop index enrich.batch_items_person_id_idx;
drop index enrich.normalized_people_company_id_idx;
drop index enrich.normalized_people_batch_item_id_idx;

-- normalize and split rewrite each item twice in its loading transaction; with room on the
-- page and no indexed column changed, those are HOT updates (no index entries).
alter table enrich.batch_items set (fillfactor = 35);

comment on column enrich.workflow_states.item_id is
  'The item (batch_items.id). No foreign key (a per-row check at bulk scale); '
  'enrich.check_invariants reports orphans and prune_batches deletes states with items.';

-- Workers look for due dispatches per workflow: with the index on available_at alone, a
-- workflow with nothing due made every claim scan all the others' due dispatches
-- (3.5 ms per claim at 10,000 queued).
drop index enrich.dispatches_due_idx;
create index dispatches_due_idx on enrich.dispatches (workflow_slug, available_at)
  where status = 'QUEUED';
