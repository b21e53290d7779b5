begin;
select plan(14);

select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/in/ada-lovelace'), null,
  'a profile is no company page');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/'), null,
  'linkedin.com alone');
select is(enrich.normalize_linkedin_company_url('linkedin.com'), null,
  'linkedin.com alone without a slash');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/'), null,
  '/company/ with an empty slug');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company'), null,
  '/company without a slug');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/?trk=x'), null,
  '/company/ with only a query');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/companies/acme'), null,
  'another path that starts like company');
select is(enrich.normalize_linkedin_company_url('https://notlinkedin.com/company/acme'), null,
  'a host that ends in linkedin.com is another host');
select is(enrich.normalize_linkedin_company_url('https://linkedin.com.evil.io/company/acme'), null,
  'a host that starts with linkedin.com is another host');
select is(enrich.normalize_linkedin_company_url('https://evil.io/linkedin.com/company/acme'), null,
  'linkedin.com in another host''s path');
select is(enrich.normalize_linkedin_company_url('https://a.b.linkedin.com/company/acme'), null,
  'at most one subdomain label');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/sales/lead/ACwAAA1,NAME_SEARCH'),
  null, 'a Sales Navigator lead is a person');
select is(enrich.normalize_linkedin_company_url(''), null, 'empty is NULL');
select is(enrich.normalize_linkedin_company_url(null), null, 'NULL is NULL');

select * from finish();
rollback;
