begin;
select plan(5);
select enrich.create_batch('company', '[{"Work Email": "ann@gmail.com", "Website": "https://www.acme.com/x",
  "Company Linkedin Url": "https://linkedin.com/company/acme", "First Name": "Ann"}]') as batch_id \gset
select is((select data from enrich.batch_items where batch_id = :'batch_id'),
  '{"email": "ann@gmail.com", "company_website": "https://www.acme.com/x",
    "company_linkedin_url": "https://linkedin.com/company/acme", "first_name": "Ann"}'::jsonb,
  'aliases and spellings name fields (Company Linkedin Url is its own field, not linkedin_url)');
select is((select company_key from enrich.batch_items where batch_id = :'batch_id'), 'acme.com',
  'a gmail row with a Website has its company');
select throws_ok($$select enrich.create_batch('company', '[{"Company": "A", "Account Name": "B", "email": "a@x.io"}]')$$,
  'EN003', 'create_batch: row 1 has ''Account Name'' and ''Company'', which both name ''company_name''',
  'two keys naming one field (other than email) are refused');
select enrich.create_batch('company', '[{"Company": "Acme", "company_name": "Acme Inc", "email": "a@acme.com"}]') as own \gset
select is((select data from enrich.batch_items where batch_id = :'own'),
  '{"company": "Acme", "company_name": "Acme Inc", "email": "a@acme.com"}'::jsonb,
  'the field''s own name beats an alias, which is kept as data (as the loader does)');
select is(enrich._column_field('Emailé'), 'email', 'only ASCII letters and digits count (as the loader does)');
select * from finish();
rollback;
