begin;
select plan(4);

select enrich.create_batch('company', '[{"EMAIL": "Ada@Acme.com", " Company_Domain ": "ACME.com", "Crm_Id": 42}]') as batch_id \gset

select is((select email from enrich.batch_items where batch_id = :'batch_id'), 'ada@acme.com',
  'EMAIL is read as email and normalised');
select is((select company_key from enrich.batch_items where batch_id = :'batch_id'), 'acme.com',
  'Company_Domain is read as company_domain');
select is((select data -> 'crm_id' from enrich.batch_items where batch_id = :'batch_id'), '42'::jsonb,
  'an unknown column is kept in data');
select is((select person_key from enrich.batch_items where batch_id = :'batch_id'), 'ada@acme.com',
  'person key from the email');

select * from finish();
rollback;
