-- The claims and dispatches a loading batch writes (one per company: 200,000 for a
-- 1,000,000-row file) no longer check their workflow with a query per row. A foreign key is
-- checked by a query that also locks the workflows row, once per inserted row: 0.6 s of the
-- 3.8 s it takes to write 200,000 claims, as much again for their dispatches. The functions
-- that write claims and dispatches (enrich._step_enter_entity_workflow,
-- enrich._set_entity_workflow_status, enrich._queue_dispatches) look the workflow up and lock
-- it (FOR KEY SHARE) once per statement instead, so a workflow cannot vanish under them; a
-- statement trigger on enrich.workflows keeps ON DELETE CASCADE (sql/triggers), and
-- `enrich doctor` reports any row of a missing workflow. The foreign keys to
-- normalized_companies / normalized_people stay (the seed plan's).
-- depends: 0006_time_ordered_ids

alter table enrich.company_workflow_states
  drop constraint company_workflow_states_workflow_slug_fkey;
alter table enrich.person_workflow_states
  drop constraint person_workflow_states_workflow_slug_fkey;
alter table enrich.dispatches drop constraint dispatches_workflow_slug_fkey;

comment on column enrich.company_workflow_states.workflow_slug is
  'The workflow (workflows.slug). No foreign key (a per-row check at bulk scale, see '
  'migration 0007): writers lock the workflow once, deleting it deletes these rows.';
comment on column enrich.person_workflow_states.workflow_slug is
  'The workflow (workflows.slug). No foreign key (a per-row check at bulk scale, see '
  'migration 0007): writers lock the workflow once, deleting it deletes these rows.';
comment on column enrich.dispatches.workflow_slug is
  'The workflow (workflows.slug). No foreign key (a per-row check at bulk scale, see '
  'migration 0007): writers lock the workflow once, deleting it deletes these rows.';
