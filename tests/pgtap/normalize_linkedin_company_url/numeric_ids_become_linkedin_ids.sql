begin;
select plan(8);

select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/12345'),
  'linkedin-id:12345', 'a numeric company page is its id');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/12345/'),
  'linkedin-id:12345', 'with a trailing slash');
select is(enrich.normalize_linkedin_company_url('linkedin.com/company/12345/about/?trk=x'),
  'linkedin-id:12345', 'with a sub-page and query');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/sales/company/12345'),
  'linkedin-id:12345', 'a Sales Navigator company is the same id');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/sales/company/12345?_ntb=abc'),
  'linkedin-id:12345', 'a Sales Navigator company with a query');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/sales/company/12345,COMPANY_SEARCH,x1'),
  'linkedin-id:12345', 'a Sales Navigator company with ",..." after the id');
select is(enrich.normalize_linkedin_company_url('HTTPS://UK.LINKEDIN.COM/SALES/COMPANY/12345/people'),
  'linkedin-id:12345', 'a Sales Navigator company in any dressing');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/sales/company/acme-corp'),
  null, 'Sales Navigator names companies by id only');

select * from finish();
rollback;
