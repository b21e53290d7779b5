-- A value nobody loaded finds nothing (saying how it was read); an empty value, or one that
-- is no identifier at all, is read as nothing.
begin;
select plan(6);

select enrich.create_batch('company', '[{"company_domain": "acme.com"}]');

select is(enrich.lookup_entity('nobody.example') -> 'entities', '[]'::jsonb,
  'an unknown domain finds nothing');
select is(enrich.lookup_entity('nobody.example') -> 'read_as',
  '[{"entity_type": "company", "kind": "domain", "value": "nobody.example"},
    {"entity_type": "company", "kind": "name", "value": "name:nobody example"}]'::jsonb,
  'read as a domain, then as a name');
select is(enrich.lookup_entity('00000000-0000-0000-0000-000000000000') -> 'entities', '[]'::jsonb,
  'an unknown id finds nothing');
select is(enrich.lookup_entity('https://www.linkedin.com/in/nobody') -> 'read_as',
  '[{"entity_type": "person", "kind": "linkedin", "value": "https://www.linkedin.com/in/nobody"}]'::jsonb,
  'a profile URL is never read as the domain linkedin.com, nor as a name');
select is(enrich.lookup_entity('   ') -> 'read_as', '[]'::jsonb, 'blank is read as nothing');
select is(enrich.lookup_entity('!!!') -> 'read_as', '[]'::jsonb, 'nor is punctuation');

select * from finish();
rollback;
