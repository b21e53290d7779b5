-- Item steps are found by their entity through an index on entity_id alone, not on
-- (step_name, entity_id). Every item that enters an entity step writes one entry (a million
-- for a 1,000,000-row batch), at a random place: the company and person ids are not in row
-- order. Without the step name in front the entries are smaller and compare as one uuid, and
-- the advance of a 1M batch from split to its company step took 21.6 s instead of 25.7 s
-- (median of 3 alternating rolled-back rounds of `python -m bench.advance`'s setup; faster
-- in each round; an earlier run 22.9 s against 24.1 s).
--
-- The readers keep their plans: the cascade of a result (enrich._settle_entity) and
-- retry_failed look item steps up by `entity_id = any(...)` and check the step name on the
-- few rows found (an entity id belongs to one entity: its items in each workflow of its
-- type). Only `enrich retry` of a whole workflow, which lists the workflow's failed item
-- steps, now reads workflow_states whole instead of the step's part of the index (with a
-- heap visit per entry to check the status); an operator's action, not a hot path.
--
-- The index is rebuilt in this migration's transaction: writes to workflow_states wait for
-- it (seconds per million item steps).
-- depends: 0009_entity_states_two_indexes

drop index enrich.workflow_states_entity_idx;
create index workflow_states_entity_idx on enrich.workflow_states (entity_id)
  where entity_id is not null;
