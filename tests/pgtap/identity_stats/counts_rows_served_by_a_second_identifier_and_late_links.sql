-- What identities saved and cost, kept as rows are split: a row whose one old-style key
-- (LinkedIn URL, else email) names another entity than the one it reached is a call the
-- one-key rule would have paid; a merge of two entities both already paid for is a call
-- paid twice because the link came late.
begin;
select plan(5);

select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "linkedin_url": "linkedin.com/in/ada", "company_domain": "acme.com"},
  {"email": "ada@acme.com", "company_domain": "acme.com"},
  {"email": "bob@acme.com", "company_domain": "acme.com"}]') as b1 \gset
select is(enrich.identity_stats(:'b1') ->> 'rows_by_second_identifier', '1',
  'the row known by Ada''s email alone reached the person known by her profile');
select is(enrich.batch_status(:'b1') -> 'identity' ->> 'merges', '0', 'status shows it, no merge');

-- Cy by email and Cy by profile, both sent (paid), then a row with both
select enrich.create_batch('company_and_person', '[{"email": "cy@acme.com", "company_domain": "acme.com"}]');
select enrich.create_batch('company_and_person', '[{"linkedin_url": "linkedin.com/in/cy", "company_domain": "acme.com"}]');
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich_test.send_all();
select enrich.create_batch('company_and_person', '[
  {"email": "cy@acme.com", "linkedin_url": "https://www.linkedin.com/in/cy/", "company_domain": "acme.com"}]') as b4 \gset
select is(enrich.identity_stats(:'b4') ->> 'merges', '1', 'the late link is a merge of that batch');
select is(enrich.identity_stats(:'b4') ->> 'calls_paid_twice_linked_late', '1',
  'and a call paid twice');
select is(enrich.identity_stats() ->> 'rows_by_second_identifier', '2',
  'all time: Ada''s row and the linking row (its profile is the old key; Cy was known by email)');

select * from finish();
rollback;
