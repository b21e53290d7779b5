begin;
select plan(2);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select is(enrich.get_company_id_for_item(enrich_test.item_id(:'batch_id', 3)),
  enrich_test.company_id('beta.io'), 'the item''s company');
select is(enrich.get_company_id_for_item(gen_random_uuid()), null, 'unknown item: NULL');
select * from finish();
rollback;
