begin;
select plan(6);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
-- break things behind the state machine's back
update enrich.company_workflow_states set status = 'COMPLETED', completed_at = now()
 where company_id = enrich_test.company_id('alpha.com');
delete from enrich.dispatches where entity_id = enrich_test.company_id('beta.io');
select is((select count(*) from enrich.check_invariants()
            where invariant = 'item_waiting_on_finished_entity'), 2::bigint,
  'items still waiting on a COMPLETED company');
select is((select count(*) from enrich.check_invariants()
            where invariant = 'completed_entity_without_result'), 1::bigint, 'a COMPLETED company without data');
select is((select subject_id from enrich.check_invariants()
            where invariant = 'entity_in_progress_without_dispatch'),
  enrich_test.company_id('beta.io')::text, 'an IN_PROGRESS company nothing will send');
update enrich.batches set status = 'COMPLETED', completed_at = now() where id = :'batch_id';
select is((select count(*) from enrich.check_invariants()
            where invariant = 'batch_status_disagrees_with_items'), 1::bigint, 'a batch done too early');
delete from enrich.batch_items
 where id = (select id from enrich.batch_items where batch_id = :'batch_id' and row_number = 1);
select ok((select count(*) from enrich.check_invariants() where invariant = 'orphaned_link') >= 2,
  'states (and a person) left pointing at a deleted item');
delete from enrich.batches where id = :'batch_id';
select is((select count(*) from enrich.check_invariants()
            where invariant = 'orphaned_link' and detail like 'item of missing batch %'),
  (select count(*) from enrich.batch_items where batch_id = :'batch_id'),
  'items left behind by a deleted batch');
select * from finish();
rollback;
