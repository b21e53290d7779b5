begin;
select plan(2);
select enrich.create_batch('company', '[{"EMAIL": "Ada@Acme.com", "first_name": "Ada", "last_name": "Lovelace", "title": "CTO"}]');
select is(enrich.get_person_data((select id from enrich.normalized_people)) - 'person_id',
  '{"email": "ada@acme.com", "first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace",
    "title": "CTO", "company_domain": "acme.com"}'::jsonb,
  'fields from normalized_people and its company');
select is(enrich.get_person_data(gen_random_uuid()), null, 'unknown person: NULL');
select * from finish();
rollback;
