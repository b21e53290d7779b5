-- A person first known by a LinkedIn profile (one batch) and by an email (another), then
-- linked by a row carrying both (a third): the one person left is found by the merged-away
-- person's email and by its old id, with both identifiers, the merge, and all three batches.
begin;
select plan(12);

select enrich.create_batch('company_and_person', '[
  {"linkedin_url": "https://www.linkedin.com/in/ada-l/", "company_domain": "acme.com"}]') as b1 \gset
select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "company_domain": "acme.com"}]') as b2 \gset
select person_id as loser from enrich.batch_items where batch_id = :'b2' \gset
select enrich.create_batch('company_and_person', '[
  {"email": "Ada@Acme.com", "linkedin_url": "linkedin.com/in/ADA-L", "company_domain": "acme.com"}]') as b3 \gset
select survivor_id as survivor from enrich.entity_merges \gset

select isnt(:'survivor'::uuid, :'loser'::uuid, 'the email''s person was merged into the profile''s');

select enrich.lookup_entity(' mailto:ADA@acme.com ') as by_email \gset
select is(jsonb_array_length(:'by_email'::jsonb -> 'entities'), 1, 'the loser''s email finds one entity');
select is(:'by_email'::jsonb #>> '{entities,0,id}', :'survivor', 'the survivor');
select is(:'by_email'::jsonb #>> '{entities,0,entity_type}', 'person', 'a person');
select is(:'by_email'::jsonb -> 'read_as',
  '[{"entity_type": "person", "kind": "email", "value": "ada@acme.com"}]'::jsonb,
  'the value was read as the email a load would read');
select is(:'by_email'::jsonb #> '{entities,0,identifiers}',
  '[{"kind": "linkedin", "value": "https://www.linkedin.com/in/ada-l"},
    {"kind": "email", "value": "ada@acme.com"}]'::jsonb,
  'with both its identifiers');
select is(:'by_email'::jsonb #> '{entities,0,merges}',
  jsonb_build_array(jsonb_build_object(
    'id', (select id from enrich.entity_merges), 'survivor_id', :'survivor', 'loser_id', :'loser',
    'linked_by', 'email:ada@acme.com', 'batch_id', :'b3', 'cause', 'batch',
    'merged_at', (select to_jsonb(merged_at) from enrich.entity_merges))),
  'and the merge: survivor, loser, the identifier that linked them, the batch, the cause');
select is((select array_agg(b ->> 'batch_id' order by b ->> 'batch_id')
             from jsonb_array_elements(:'by_email'::jsonb #> '{entities,0,batches}') b),
  (select array_agg(x::text order by x::text) from unnest(array[:'b1', :'b2', :'b3']::uuid[]) x),
  'the batches whose rows are this person (the loser''s row included)');
select is(:'by_email'::jsonb #>> '{entities,0,company,domain}', 'acme.com', 'and its company');

select enrich.lookup_entity(:'loser') as by_old_id \gset
select is(:'by_old_id'::jsonb #>> '{entities,0,id}', :'survivor', 'the loser''s id finds the survivor');
select is(:'by_old_id'::jsonb #> '{entities,0,found_by}',
  jsonb_build_array(jsonb_build_object('kind', 'merged_id', 'value', :'loser')),
  'saying it was found as a merged-away id');
select is(enrich.lookup_entity(upper(:'survivor')) #>> '{entities,0,found_by,0,kind}', 'id',
  'the survivor''s own id (any case) finds it as itself');

select * from finish();
rollback;
