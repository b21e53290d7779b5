begin;
select plan(5);

select is(enrich.company_key('acme.com', 'https://beta.io', 'x@gamma.com'), 'acme.com',
  'company_domain wins');
select is(enrich.company_key(null, 'https://beta.io', 'x@gamma.com'), 'beta.io',
  'company_website comes next');
select is(enrich.company_key('not a domain', 'https://beta.io', null), 'beta.io',
  'an unusable company_domain falls through to the website');
select is(enrich.company_key(null, null, 'x@gamma.com'), 'gamma.com',
  'the email''s domain comes last');
select is(enrich.company_key(null, null, 'x@gmail.com'), null,
  'a free-mail domain is no company');

select * from finish();
rollback;
