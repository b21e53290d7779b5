begin;
select plan(5);

select enrich.create_batch('company', '[
  {"email": "jane@gmail.com"},
  {"first_name": "No", "last_name": "Company"},
  {"email": "ok@acme.com"}]') as batch_id \gset

select is(enrich_test.step_status(:'batch_id', 1, 'split'), 'FAILED', 'free-mail only row fails split');
select is((select meta ->> 'error' from enrich.workflow_states
            where item_id = enrich_test.item_id(:'batch_id', 1) and step_name = 'split'),
  'no company key: email domain ''gmail.com'' is a free-mail provider', 'meta.error says why');
select is((select meta ->> 'error' from enrich.workflow_states
            where item_id = enrich_test.item_id(:'batch_id', 2) and step_name = 'split'),
  'no company key: the row has no company_domain, company_website, company_linkedin_url, company_name or email', 'an empty row too');
select is(enrich_test.step_status(:'batch_id', 3, 'enrich_company_via_waterfall_in_clay'),
  'IN_PROGRESS', 'the rest of the batch goes on');
select is((select status from enrich.batch_items where id = enrich_test.item_id(:'batch_id', 1)),
  'FAILED', 'the failed row is finished as FAILED');

select * from finish();
rollback;
