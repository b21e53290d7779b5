begin;
select plan(3);
select enrich.create_batch('company', '[{"EMAIL": "Ada@Acme.com", "first_name": "Ada", "last_name": "Lovelace", "title": "CTO"}]');
select is(enrich.get_person_data((select id from enrich.normalized_people)) - 'person_id',
  '{"email": "ada@acme.com", "emails": ["ada@acme.com"], "first_name": "Ada", "last_name": "Lovelace",
    "full_name": "Ada Lovelace", "title": "CTO", "company_domain": "acme.com"}'::jsonb,
  'fields from normalized_people and its company');
-- the same person by a personal address, her profile and a role mailbox
select enrich.create_batch('company', '[{"email": "ada.l@gmail.com", "email_2": "ada@acme.com", "email_3": "info@acme.com",
  "linkedin_url": "linkedin.com/in/ada", "company_linkedin_url": "linkedin.com/company/acme"}]');
select is(enrich.get_person_data((select id from enrich.normalized_people)) - 'person_id'
            - 'first_name' - 'last_name' - 'full_name' - 'title',
  '{"email": "ada@acme.com", "emails": ["ada@acme.com", "ada.l@gmail.com"],
    "linkedin_url": "https://www.linkedin.com/in/ada", "company_domain": "acme.com",
    "company_linkedin_url": "https://www.linkedin.com/company/acme"}'::jsonb,
  'every address but the role mailbox, the work address first; profile and company page');
select is(enrich.get_person_data(gen_random_uuid()), null, 'unknown person: NULL');
select * from finish();
rollback;
