begin;
select plan(2);

select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('item_id', enrich_test.item_id(:'batch_id', 2))),
  'completed', 'an item_id finds the item''s company');
select is(enrich_test.step_status(:'batch_id', 1, 'enrich_company_via_waterfall_in_clay'),
  'COMPLETED', 'and completes every item of that company');

select * from finish();
rollback;
