begin;
select plan(5);
select enrich.create_batch('company_and_person', $$[
  {"email": "Ann@Acme.com", "linkedin_url": "https://www.linkedin.com/in/ann-a/", "first_name": "Ann"},
  {"email": "bo@acme.com"}]$$) as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is((select e ->> 'key' from enrich.find_entities('https://WWW.ACME.COM/about') e), 'acme.com',
  'a URL finds its company, keyed like a load keys it');
select is((select jsonb_array_length(e -> 'rows') from enrich.find_entities('acme.com') e), 2,
  'with the rows linked to it');
select is((select e -> 'workflows' -> 0 -> 'result' ->> 'enriched' from enrich.find_entities('acme.com') e), 'true',
  'and its newest result per workflow');
select set_eq($$select e ->> 'entity_type' from enrich.find_entities('ann@acme.com') e$$,
  array['company', 'person'], 'an email finds its person and its company');
select is_empty($$select from enrich.find_entities('nobody.example')$$, 'nothing for what nobody loaded');
select * from finish();
rollback;
