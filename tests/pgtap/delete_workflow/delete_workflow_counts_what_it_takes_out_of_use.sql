begin;
select plan(3);
select enrich.set_workflow('enrich_extra', p_create => true);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select enrich.set_company_workflow_status(enrich_test.company_id('acme.com'), 'enrich_extra',
                                          'IN_PROGRESS');
select enrich.receive_result('enrich_extra',
  jsonb_build_object('company_id', enrich_test.company_id('acme.com')));
select is(enrich.delete_workflow('enrich_extra'),
  '{"deleted": "enrich_extra", "completed_entities": 1}'::jsonb, 'one paid result taken out of use');
select is((select count(*) from enrich.workflows where slug = 'enrich_extra'), 0::bigint, 'gone');
select throws_ok($$select enrich.delete_workflow('enrich_company_via_waterfall_in_clay')$$, 'EN005',
  null, 'a workflow a pipeline names is refused');
select * from finish();
rollback;
