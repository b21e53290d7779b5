begin;
select plan(2);
select enrich.create_batch('company', '[{"email": "a@acme.com", "company_name": "Acme", "company_website": "https://www.acme.com/"}]');
select is(enrich.get_company_data(enrich_test.company_id('acme.com')) - 'company_id',
  '{"company_domain": "acme.com", "company_name": "Acme", "company_website": "https://www.acme.com/"}'::jsonb,
  'fields from normalized_companies');
select is(enrich.get_company_data(gen_random_uuid()), null, 'unknown company: NULL');
select * from finish();
rollback;
