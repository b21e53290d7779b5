begin;
select plan(3);
select enrich.create_batch('company', '[{"email": "a@acme.com", "crm": 7}, {"email": "b@acme.com"}]') as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is((select count(*) from enrich.export_batch(:'batch_id')), 2::bigint, 'one record per item');
select is((select record #>> '{results,enrich_company_via_waterfall_in_clay,enriched}'
           from enrich.export_batch(:'batch_id') where row_number = 2),
  'true', 'each item carries its company''s result, under its workflow');
select is((select record -> 'input' ->> 'crm' from enrich.export_batch(:'batch_id') where row_number = 1),
  '7', 'and its input fields');
select * from finish();
rollback;
