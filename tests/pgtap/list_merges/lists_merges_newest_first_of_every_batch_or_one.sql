-- Every merge, newest first, or only those one batch caused; at most p_limit.
begin;
select plan(5);

select enrich.create_batch('company_and_person', '[
  {"linkedin_url": "https://www.linkedin.com/in/ada-l", "company_domain": "acme.com"},
  {"linkedin_url": "https://www.linkedin.com/in/bob-b", "company_domain": "acme.com"}]');
select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "company_domain": "acme.com"},
  {"email": "bob@acme.com", "company_domain": "acme.com"}]');
select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "linkedin_url": "https://www.linkedin.com/in/ada-l", "company_domain": "acme.com"}]') as b3 \gset
select enrich.create_batch('company_and_person', '[
  {"email": "bob@acme.com", "linkedin_url": "https://www.linkedin.com/in/bob-b", "company_domain": "acme.com"}]') as b4 \gset

select results_eq($$select linked_by, batch_id, entity_type, cause from enrich.list_merges()$$,
  $$values ('email:bob@acme.com', '$$ || :'b4' || $$'::uuid, 'person', 'batch'),
           ('email:ada@acme.com', '$$ || :'b3' || $$'::uuid, 'person', 'batch')$$,
  'every merge, newest first');
select results_eq($$select survivor_id, loser_id from enrich.list_merges()$$,
  $$select survivor_id, loser_id from enrich.entity_merges order by id desc$$,
  'with survivor and loser');
select results_eq($$select linked_by from enrich.list_merges('$$ || :'b3' || $$')$$,
  $$values ('email:ada@acme.com')$$, 'only the merges of one batch');
select is((select count(*) from enrich.list_merges(p_limit => 1)), 1::bigint, 'at most p_limit');
select is((select count(*) from enrich.list_merges(gen_random_uuid())), 0::bigint,
  'none for a batch that caused none');

select * from finish();
rollback;
