-- Entity states and dispatches have no per-row foreign key to their workflow (migration
-- 0007): a statement trigger deletes them with the workflow, writers lock the workflow
-- first, and doctor reports any row of a missing workflow.
begin;
select plan(14);

select enrich.set_workflow('enrich_company_via_waterfall_in_clay', array['http://clay.test/a']);
select enrich.set_workflow('enrich_person_via_waterfall_in_clay', array['http://clay.test/b']);
select enrich.create_batch('company_and_person', enrich_test.stage7_rows());
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');

select isnt_empty($$select from enrich.dispatches d
                     where d.workflow_slug = 'enrich_person_via_waterfall_in_clay'$$,
                  'people were claimed, with dispatches');

-- in use: a pipeline names it and the batch's items wait at its step
select throws_ok(
  $$delete from enrich.workflows where slug = 'enrich_person_via_waterfall_in_clay'$$,
  'EN005', 'workflow ''enrich_person_via_waterfall_in_clay'' is still in use: pipeline '
           || 'company_and_person and 1 batch(es) whose items can still reach it',
  'a workflow that a pipeline and an unfinished batch name cannot be deleted');
select throws_ok($$truncate enrich.workflows cascade$$, 'EN005', null,
  'nor truncated');
savepoint batch_alone;
update enrich.pipelines set steps = steps[1:2];
select throws_ok($$truncate enrich.workflows cascade$$, 'EN005',
  'workflow ''enrich_company_via_waterfall_in_clay'' is still in use: 1 batch(es) whose items '
  || 'can still reach it',
  'the unfinished batch alone refuses a truncate (no pipeline names a workflow any more)');
rollback to savepoint batch_alone;

-- no longer in use: the batch finished, the pipeline no longer names it; a refresh queued
-- dispatches again (they belong to no batch)
select enrich_test.deliver_all('enrich_person_via_waterfall_in_clay');
select enrich.set_pipeline('company_and_person',
  array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay']);
select throws_ok(
  $$delete from enrich.workflows where slug = 'enrich_person_via_waterfall_in_clay'$$,
  'EN005', 'workflow ''enrich_person_via_waterfall_in_clay'' is still in use: pipeline '
           || 'company_and_person_v2',
  'the message names every pipeline that still uses it (only one left here)')
  from (select enrich.set_pipeline('company_and_person_v2', array['normalize_all_core_values',
          'split', 'enrich_person_via_waterfall_in_clay'])) as still_named;
select enrich.set_pipeline('company_and_person_v2',
  array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay']);
select enrich.refresh_entities('enrich_person_via_waterfall_in_clay', p_entity_id => s.person_id)
  from enrich.person_workflow_states s;
select isnt_empty($$select from enrich.dispatches d
                     where d.workflow_slug = 'enrich_person_via_waterfall_in_clay'$$,
                  'refreshed people have dispatches again');

savepoint cascade;
delete from enrich.workflows where slug = 'enrich_person_via_waterfall_in_clay';
select is_empty(
  $$select from enrich.person_workflow_states s
     where s.workflow_slug = 'enrich_person_via_waterfall_in_clay'$$,
  'deleting a workflow deletes its entity states');
select is_empty(
  $$select from enrich.dispatches d where d.workflow_slug = 'enrich_person_via_waterfall_in_clay'$$,
  'and its dispatches');
select isnt_empty(
  $$select from enrich.company_workflow_states s
     where s.workflow_slug = 'enrich_company_via_waterfall_in_clay'$$,
  'other workflows keep theirs');
rollback to savepoint cascade;

-- TRUNCATE ... CASCADE takes them along too, once no pipeline or unfinished batch uses any
savepoint truncated;
update enrich.pipelines set steps = steps[1:2];
truncate enrich.workflows cascade;
select is_empty(
  $$select from enrich.company_workflow_states union all select from enrich.person_workflow_states
    union all select from enrich.dispatches$$,
  'truncating workflows truncates entity states and dispatches');
rollback to savepoint truncated;
select throws_ok(
  $$update enrich.workflows set slug = 'renamed' where slug = 'enrich_company_via_waterfall_in_clay'$$,
  'EN005', null, 'a workflow''s slug cannot change');

select throws_ok(
  $$select enrich._queue_dispatches('no_such_workflow', 'company',
      array[enrich_test.company_id('acme.com')])$$,
  'EN001', 'unknown workflow ''no_such_workflow''',
  'no dispatch is queued for a workflow that does not exist');

-- a row written around the functions (no foreign key stops it) is reported by doctor
alter table enrich.workflows disable trigger workflows_0710_delete_cascade;
delete from enrich.workflows where slug = 'enrich_person_via_waterfall_in_clay';
select isnt_empty(
  $$select from enrich.check_invariants()
     where invariant = 'orphaned_link' and detail like 'person state of missing workflow %'$$,
  'doctor reports entity states of a missing workflow');
select isnt_empty(
  $$select from enrich.check_invariants()
     where invariant = 'orphaned_link' and detail like 'dispatch of missing workflow %'$$,
  'and dispatches of a missing workflow');

select * from finish();
rollback;
