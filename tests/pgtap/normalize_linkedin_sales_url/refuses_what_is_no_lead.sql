begin;
select plan(10);

select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/in/ada-lovelace'), null,
  'a public profile is no Sales Navigator lead');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/company/12345'), null,
  'a Sales Navigator company is no lead');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/'), null,
  'a lead URL without an id');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/lead/,NAME_SEARCH'), null,
  'a lead URL with an empty id');
select is(enrich.normalize_linkedin_sales_url('https://www.linkedin.com/sales/leads/ACwAAA1b2C3'), null,
  'another path that starts like lead');
select is(enrich.normalize_linkedin_sales_url('https://notlinkedin.com/sales/lead/ACwAAA1b2C3'), null,
  'a host that ends in linkedin.com is another host');
select is(enrich.normalize_linkedin_sales_url('https://linkedin.com.evil.io/sales/lead/ACwAAA1b2C3'), null,
  'a host that starts with linkedin.com is another host');
select is(enrich.normalize_linkedin_sales_url('https://a.b.linkedin.com/sales/lead/ACwAAA1b2C3'), null,
  'at most one subdomain label');
select is(enrich.normalize_linkedin_sales_url(''), null, 'empty is NULL');
select is(enrich.normalize_linkedin_sales_url(null), null, 'NULL is NULL');

select * from finish();
rollback;
