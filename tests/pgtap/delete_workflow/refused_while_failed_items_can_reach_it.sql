-- A COMPLETED batch whose items failed before a workflow's step can still reach it: a late
-- result (or `enrich retry`) revives them and they move on. So the workflow cannot be
-- deleted while such a batch exists, even when no pipeline names it any more; otherwise
-- the late, paid-for result would be refused (unknown workflow) and lost.
begin;
select plan(5);

select enrich.set_workflow('later_step', array['http://clay.test/later'], p_entity_type => 'company',
                           p_create => true);
select enrich.set_pipeline('two_company_steps', array['normalize_all_core_values', 'split',
  'enrich_company_via_waterfall_in_clay', 'later_step']);
select enrich.create_batch('two_company_steps', '[{"email": "x@late.example.com"}]') as batch \gset
select enrich.set_company_workflow_status(enrich_test.company_id('example.com'),
  'enrich_company_via_waterfall_in_clay', 'FAILED');
select is((select status from enrich.batches where id = :'batch'), 'COMPLETED',
  'the batch finished, its item failed at the first company step');
select enrich.set_pipeline('two_company_steps',
  array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay']);

select throws_ok($$delete from enrich.workflows where slug = 'later_step'$$, 'EN005',
  'workflow ''later_step'' is still in use: 1 batch(es) whose items can still reach it',
  'a workflow that a finished batch with failed items names cannot be deleted');
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', enrich_test.company_id('example.com'))),
  'completed', 'so the late result is recorded');
select is(enrich_test.step_status(:'batch', 1, 'later_step'), 'IN_PROGRESS',
  'and the revived item moves on to the later step');

-- once the batch is pruned, nothing can reach it
select enrich.set_company_workflow_status(enrich_test.company_id('example.com'), 'later_step', 'COMPLETED');
update enrich.batches set created_at = now() - interval '1 year', completed_at = now() - interval '1 year'
 where id = :'batch' and status = 'COMPLETED';
select enrich.prune_batches(interval '30 days');
select lives_ok($$delete from enrich.workflows where slug = 'later_step'$$,
  'deleted once no batch can reach it');

select * from finish();
rollback;
