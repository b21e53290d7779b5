begin;
select plan(6);

select is(enrich.person_key('linkedin.com/in/Ada', 'ada@acme.com', 'Ada L', null, null, 'acme.com'),
  'https://www.linkedin.com/in/ada', 'the LinkedIn URL wins');
select is(enrich.person_key(null, ' ADA@acme.com', 'Ada L', null, null, 'acme.com'),
  'ada@acme.com', 'then the lower-cased email');
select is(enrich.person_key(null, null, '  Ada   Lovelace ', null, null, 'acme.com'),
  'name:ada lovelace@acme.com', 'then full name + company key');
select is(enrich.person_key(null, null, null, 'Ada', 'Lovelace', 'acme.com'),
  'name:ada lovelace@acme.com', 'first + last name stand in for the full name');
select is(enrich.person_key(null, null, 'Ada', null, null, null), null,
  'a name without a company key is no person key');
select is_empty($$
  select input, expected from enrich_test.key_vectors
  where kind = 'person' and field = 'email'
    and enrich.person_key(null, input, null, null, null, null) is distinct from expected
$$, 'every person email vector gives the expected key');

select * from finish();
rollback;
