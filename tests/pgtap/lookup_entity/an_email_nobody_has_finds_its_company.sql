-- An email names its person; when no person has it (a company pipeline, a role mailbox),
-- its company, by the email's domain (never a free-mail provider's).
begin;
select plan(3);

select enrich.create_batch('company', '[{"email": "ann@acme.com"}]');

select is(enrich.lookup_entity('info@ACME.com') #>> '{entities,0,domain}', 'acme.com',
  'an address no person has finds its company');
select is(enrich.lookup_entity('info@acme.com') #>> '{entities,0,found_by,0,kind}', 'domain',
  'found by the domain');
select is(enrich.lookup_entity('ann@gmail.com') -> 'entities', '[]'::jsonb,
  'a free-mail address names no company');

select * from finish();
rollback;
