-- The dashboard's read-only viewer may look entities up and list merges (both read only).
begin;
select plan(3);

select enrich.create_batch('company', '[{"company_domain": "acme.com"}]');
select function_privs_are('enrich', 'lookup_entity', array['text', 'integer'],
  'enrich_viewer', array['EXECUTE'], 'viewers look entities up');
set local role enrich_viewer;
select is(enrich.lookup_entity('acme.com', 20) #>> '{entities,0,domain}', 'acme.com',
  'a viewer finds a company with its rows');
select lives_ok($$select * from enrich.list_merges()$$, 'a viewer lists merges');
reset role;

select * from finish();
rollback;
