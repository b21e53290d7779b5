-- Two companies with one name and different domains stay two; a row with only that name
-- joins neither (it is the one company known by that name alone). A name seen on the rows
-- of exactly one strongly identified company is how a name-only row finds it.
begin;
select plan(7);

select enrich.create_batch('company', '[
  {"company_domain": "apexsystems.com", "company_name": "Apex Systems, Inc."},
  {"company_domain": "apex-systems.de", "company_name": "Apex Systems GmbH"},
  {"company_website": "https://www.beta.io", "company_name": "Beta Labs Ltd.",
   "company_linkedin_url": "https://www.linkedin.com/company/beta-labs"}]') as b1 \gset
select enrich.create_batch('company', '[
  {"company_name": "APEX SYSTEMS"},
  {"company_name": "Apex Systems LLC", "email": "jo@gmail.com"},
  {"company_name": "Beta Labs", "full_name": "Bo"},
  {"company_name": "Gamma Co."}]') as b2 \gset

select is((select count(*) from enrich.normalized_companies where domain like 'apex%'), 2::bigint,
  'two Apex Systems with different domains stay two');
select is((select count(distinct company_id) from enrich.batch_items
           where batch_id = :'b2' and row_number in (1, 2)), 1::bigint,
  'the name-only Apex rows are one company');
select isnt((select company_id from enrich.batch_items where batch_id = :'b2' and row_number = 1),
  enrich_test.company_id('apexsystems.com'), 'not the first Apex Systems ...');
select isnt((select company_id from enrich.batch_items where batch_id = :'b2' and row_number = 1),
  enrich_test.company_id('apex-systems.de'), '... nor the second');
select is((select company_key from enrich.batch_items where batch_id = :'b2' and row_number = 1),
  'name:apex systems', 'it is known by its name alone');
select is((select company_id from enrich.batch_items where batch_id = :'b2' and row_number = 3),
  enrich_test.company_id('beta.io'), 'a name carried by one known company joins it');
select is((select status from enrich.batch_items where batch_id = :'b2' and row_number = 4),
  'IN_PROGRESS', 'a company known by nothing but its name is still enriched');

select * from finish();
rollback;
