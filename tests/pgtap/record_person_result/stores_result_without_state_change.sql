begin;
select plan(2);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select isnt(enrich.record_person_result((select id from enrich.normalized_people),
              'enrich_person_via_waterfall_in_clay', '{"x": 1}'), null, 'returns the result id');
select is(enrich.record_person_result(gen_random_uuid(), 'enrich_person_via_waterfall_in_clay', '{}'), null,
  'unknown person: NULL');
select * from finish();
rollback;
