begin;
select plan(16);

select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/acme-corp'),
  'https://www.linkedin.com/company/acme-corp', 'the canonical form stays as it is');
select is(enrich.normalize_linkedin_company_url('linkedin.com/company/acme-corp'),
  'https://www.linkedin.com/company/acme-corp', 'no scheme, no www.');
select is(enrich.normalize_linkedin_company_url('http://www.linkedin.com/company/acme-corp'),
  'https://www.linkedin.com/company/acme-corp', 'http becomes https');
select is(enrich.normalize_linkedin_company_url('www.linkedin.com/company/acme-corp'),
  'https://www.linkedin.com/company/acme-corp', 'www. without a scheme');
select is(enrich.normalize_linkedin_company_url('https://uk.linkedin.com/company/acme-corp'),
  'https://www.linkedin.com/company/acme-corp', 'a country subdomain becomes www.');
select is(enrich.normalize_linkedin_company_url('HTTPS://WWW.LinkedIn.com/Company/ACME-Corp'),
  'https://www.linkedin.com/company/acme-corp', 'case is folded, slug included');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/acme-corp/'),
  'https://www.linkedin.com/company/acme-corp', 'a trailing slash goes');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/acme-corp/about/'),
  'https://www.linkedin.com/company/acme-corp', 'the about sub-page is the company');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/acme-corp/people/'),
  'https://www.linkedin.com/company/acme-corp', 'the people sub-page is the company');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/acme-corp/jobs'),
  'https://www.linkedin.com/company/acme-corp', 'the jobs sub-page is the company');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/acme-corp?trk=public_profile#about'),
  'https://www.linkedin.com/company/acme-corp', 'query and fragment go');
select is(enrich.normalize_linkedin_company_url('  https://www.linkedin.com/company/acme-corp/  '),
  'https://www.linkedin.com/company/acme-corp', 'surrounding spaces go');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/m%C3%BCller-gmbh/'),
  'https://www.linkedin.com/company/müller-gmbh', 'a percent-encoded slug is decoded');
select is(enrich.normalize_linkedin_company_url('https://www.linkedin.com/company/M%C3%9CLLER-GmbH'),
  'https://www.linkedin.com/company/müller-gmbh', 'a decoded slug is lower-cased too');
select is(enrich.normalize_linkedin_company_url('https://de.linkedin.com/company/müller-gmbh/about'),
  'https://www.linkedin.com/company/müller-gmbh', 'an unencoded non-ASCII slug is kept');
select is(enrich.normalize_linkedin_company_url('linkedin.com/company/12345abc'),
  'https://www.linkedin.com/company/12345abc', 'a slug that starts with digits is still a slug');

select * from finish();
rollback;
