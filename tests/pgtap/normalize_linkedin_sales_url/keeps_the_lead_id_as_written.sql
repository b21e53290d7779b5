begin;
select plan(11);

select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/ACwAAA1b2C3,NAME_SEARCH,abc?_ntb=x'),
  'linkedin-sales:ACwAAA1b2C3', 'a lead URL is its id, before the first comma');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/people/ACwAAA1b2C3,NAME_SEARCH,abc'),
  'linkedin-sales:ACwAAA1b2C3', 'a people URL is the same id');
select isnt(enrich.normalize_linkedin_sales_url('linkedin.com/sales/lead/ACwAAA1b2C3'),
  enrich.normalize_linkedin_sales_url('linkedin.com/sales/lead/acwaaa1b2c3'),
  'the id is case-sensitive: two ids that differ in case are two people');
select is(enrich.normalize_linkedin_sales_url('HTTPS://WWW.LINKEDIN.COM/SALES/LEAD/ACwAAA1b2C3,NAME_SEARCH'),
  'linkedin-sales:ACwAAA1b2C3', 'the host and path are read in any case, the id as written');
select is(enrich.normalize_linkedin_sales_url('linkedin.com/sales/lead/ACwAAA1b2C3'),
  'linkedin-sales:ACwAAA1b2C3', 'no scheme, no comma');
select is(enrich.normalize_linkedin_sales_url('http://uk.linkedin.com/sales/lead/ACwAAA1b2C3/'),
  'linkedin-sales:ACwAAA1b2C3', 'a country subdomain and a trailing slash');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/ACwAAA1b2C3?x=1#top'),
  'linkedin-sales:ACwAAA1b2C3', 'query and fragment go');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/ACwAAA1b2C3%2CNAME_SEARCH%2Cabc'),
  'linkedin-sales:ACwAAA1b2C3', 'an escaped comma ends the id too');
select is(enrich.normalize_linkedin_sales_url('  https://www.linkedin.com/sales/lead/AC-w_AA1b2C3,x  '),
  'linkedin-sales:AC-w_AA1b2C3', 'surrounding spaces go; - and _ belong to the id');
select isnt(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/ACwAAA1b2C3,NAME_SEARCH'),
  enrich.normalize_linkedin_url('https://www.linkedin.com/in/acwaaa1b2c3'),
  'a lead id is not a profile slug');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/people/ACwAAA1b2C3'),
  enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/ACwAAA1b2C3,OTHER,zz'),
  'a lead and a people URL of one id are one key');

select * from finish();
rollback;
