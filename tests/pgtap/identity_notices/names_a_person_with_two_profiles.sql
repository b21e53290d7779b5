-- A person known by two LinkedIn profiles is a likely wrong link (a shared address joined
-- two people): doctor names it; one profile is no notice.
begin;
select plan(2);
select enrich.create_batch('company_and_person', '[
  {"email": "team.lead@acme.com", "linkedin_url": "linkedin.com/in/ann", "company_domain": "acme.com"},
  {"email": "team.lead@acme.com", "linkedin_url": "linkedin.com/in/bea", "company_domain": "acme.com"},
  {"email": "cy@acme.com", "linkedin_url": "linkedin.com/in/cy", "company_domain": "acme.com"}]');
select results_eq($$select notice, subject_id from enrich.identity_notices()$$,
  $$select 'person_with_two_linkedin_profiles', person_id::text from enrich.person_identifiers
     where value = 'https://www.linkedin.com/in/ann'$$,
  'the person with two profiles is named');
select ok((select detail from enrich.identity_notices()) like '%in/ann, https://www.linkedin.com/in/bea%',
  'with both profiles');
select * from finish();
rollback;
