begin;
select plan(6);

select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/school/Stanford-University/'),
  'https://www.linkedin.com/school/stanford-university', 'a school page keeps its namespace');
select is(enrich.normalize_linkedin_company_url('uk.linkedin.com/school/oxford/people/?x=1'),
  'https://www.linkedin.com/school/oxford', 'a school page in any dressing');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/showcase/acme-cloud/'),
  'https://www.linkedin.com/showcase/acme-cloud', 'a showcase page keeps its namespace');
select isnt(enrich.normalize_linkedin_company_url('linkedin.com/school/acme'),
  enrich.normalize_linkedin_company_url('linkedin.com/company/acme'),
  '/school/acme is not /company/acme');
select isnt(enrich.normalize_linkedin_company_url('linkedin.com/showcase/acme'),
  enrich.normalize_linkedin_company_url('linkedin.com/company/acme'),
  '/showcase/acme is not /company/acme');
select is(enrich.normalize_linkedin_company_url('linkedin.com/school/12345'), 'linkedin-id:12345',
  'a school''s numeric id is an organisation id like a company''s');

select * from finish();
rollback;
