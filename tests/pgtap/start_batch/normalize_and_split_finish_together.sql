begin;
select plan(4);

select enrich.create_batch('company', '[{"email": "ada@acme.com"}, {"email": "bob@gmail.com"}]')
  as batch_id \gset

select results_eq(
  $$select i.row_number, ws.step_name, ws.status from enrich.workflow_states ws
    join enrich.batch_items i on i.id = ws.item_id
    where ws.step_name in ('normalize_all_core_values', 'split') order by 1, 2$$,
  $$values (1, 'normalize_all_core_values', 'COMPLETED'), (1, 'split', 'COMPLETED'),
           (2, 'normalize_all_core_values', 'COMPLETED'), (2, 'split', 'FAILED')$$,
  'both SQL steps leave their row for every item');
select is((select count(*) from enrich.workflow_states
            where step_name = 'enrich_company_via_waterfall_in_clay'), 1::bigint,
  'the item with a company moves on from split once (not again from normalize)');
select is((select company_id is not null and company_key = 'acme.com' from enrich.batch_items
            where batch_id = :'batch_id' and row_number = 1), true,
  'one pass stores the keys and the links');
select throws_ok(
  format('select enrich._enter_step(%L, array[%L::uuid])', 'split', enrich_test.item_id(:'batch_id', 1)),
  'EN005', 'split runs together with normalize_all_core_values, never on its own',
  'split is never entered on its own');

select * from finish();
rollback;
