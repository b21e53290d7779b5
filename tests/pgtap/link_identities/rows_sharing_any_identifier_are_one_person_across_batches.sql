-- People are known by every strong identifier their rows bring: a LinkedIn profile and an
-- email seen together link every row that has either, across batches and transitively
-- (E1-L1, E2-L1, E2-L2 is one person), and one person is sent once.
begin;
select plan(8);

select enrich.create_batch('company_and_person', '[
  {"email": "Ada@Acme.com", "linkedin_url": "https://uk.linkedin.com/in/ada-l/?trk=x", "company_domain": "acme.com",
   "company_linkedin_url": "https://www.linkedin.com/company/acme/"}]') as b1 \gset
select enrich.create_batch('company_and_person', '[
  {"email": "ada.lovelace@acme.com", "linkedin_url": "linkedin.com/in/ADA-L", "company_domain": "acme.com"},
  {"email": "  ada@ACME.com ", "company_domain": "acme.com"}]') as b2 \gset
select enrich.create_batch('company_and_person', '[
  {"email": "ada.lovelace@acme.com", "linkedin_url": "https://www.linkedin.com/in/countess-ada", "company_domain": "acme.com"},
  {"linkedin_url": "https://www.linkedin.com/in/countess-ada/details/", "company_name": "Acme", "company_linkedin_url": "linkedin.com/company/acme"},
  {"email": "bob@acme.com", "company_domain": "acme.com"}]') as b3 \gset

select is((select count(*) from enrich.normalized_people), 2::bigint,
  'two people: Ada (two emails, two profiles) and Bob');
select is((select count(distinct person_id) from enrich.batch_items where email <> 'bob@acme.com' or email is null),
  1::bigint, 'every row of Ada links to one person');
select results_eq($$select kind, value from enrich.person_identifiers
                    where person_id = (select person_id from enrich.batch_items
                                       where email = 'ada@acme.com' limit 1) order by kind, value$$,
  $$values ('email', 'ada.lovelace@acme.com'), ('email', 'ada@acme.com'),
           ('linkedin', 'https://www.linkedin.com/in/ada-l'),
           ('linkedin', 'https://www.linkedin.com/in/countess-ada')$$,
  'she is known by all four identifiers');
select is((select count(*) from enrich.normalized_companies), 1::bigint,
  'the Sales Navigator row (name and page only) is Acme, known by its page from the first row');
select is((select count(*) from enrich.dispatches
           where workflow_slug = 'enrich_company_via_waterfall_in_clay'), 1::bigint,
  'Acme is claimed once');
select is(enrich_test.send_all(), 1::bigint, 'one company call (the person step waits for it)');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is((select count(*) from enrich.dispatches
           where workflow_slug = 'enrich_person_via_waterfall_in_clay'), 2::bigint,
  'then two person calls: Ada once, Bob once');
select is_empty($$select * from enrich.check_invariants()$$, 'every invariant holds');

select * from finish();
rollback;
