begin;
select plan(2);
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch_id \gset
select is(enrich.get_person_id_for_item(enrich_test.item_id(:'batch_id', 3)),
  (select id from enrich.normalized_people where person_key = 'bea@beta.io'), 'the item''s person');
select is(enrich.get_person_id_for_item(gen_random_uuid()), null, 'unknown item: NULL');
select * from finish();
rollback;
