-- Entity workflow states keep two indexes, not four. The seed plan's
-- idx_<type>_workflow_states_lookup (entity id, workflow) repeats the unique constraint on the
-- same two columns, which claims already need for ON CONFLICT, and
-- idx_<type>_workflow_states_status (status) serves no query: every reader reaches entity
-- states through the entity id (claims, callbacks, cascades, lookups) or reads a workflow's
-- whole set (`enrich stats`, doctor, retry). Each was written on every claim (200,000 for a
-- 1,000,000-row file) and, because a status change touched an indexed column, every callback's
-- update of its entity wrote all four indexes again instead of none (a heap-only update).
-- Measured on the callback path (groups of 8 callbacks, one connection): 5-7 % less
-- PostgreSQL CPU per group.
--
-- Stored results get time-ordered ids like every other row (enrich._uuid_v7(), migration
-- 0008): one per callback, appended to the right of their primary key instead of at random.
-- depends: 0008_cheaper_ids

drop index enrich.idx_company_workflow_states_lookup;
drop index enrich.idx_company_workflow_states_status;
drop index enrich.idx_person_workflow_states_lookup;
drop index enrich.idx_person_workflow_states_status;

alter table enrich.company_enrichment_results alter column id set default enrich._uuid_v7();
alter table enrich.person_enrichment_results alter column id set default enrich._uuid_v7();
