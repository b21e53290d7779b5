begin;
select plan(4);
select enrich.create_batch('company', '[{"email": "a@acme.com", "company_name": "Acme", "company_website": "https://www.acme.com/"},
  {"company_name": "Acme Inc", "company_linkedin_url": "https://uk.linkedin.com/company/ACME/about/", "company_domain": "acme.com"},
  {"company_name": "Zeta GmbH", "company_linkedin_url": "https://www.linkedin.com/company/1234567"}]');
select is(enrich.get_company_data(enrich_test.company_id('acme.com')) - 'company_id',
  '{"company_domain": "acme.com", "company_name": "Acme", "company_website": "https://www.acme.com/",
    "company_linkedin_url": "https://www.linkedin.com/company/acme", "company_key_kind": "domain"}'::jsonb,
  'fields from normalized_companies, its page and what it is known by');
select is(enrich.get_company_data((select company_id from enrich.company_identifiers
                                    where value = 'linkedin-id:1234567')) - 'company_id',
  '{"company_name": "Zeta GmbH", "company_linkedin_url": "linkedin-id:1234567",
    "company_key_kind": "linkedin_company_id"}'::jsonb,
  'a company known by its numeric LinkedIn id only: no domain, the id as its page');
select is((select count(*) from enrich.normalized_companies), 2::bigint,
  'the row with the domain and the page is the first company');
select is(enrich.get_company_data(gen_random_uuid()), null, 'unknown company: NULL');
select * from finish();
rollback;
