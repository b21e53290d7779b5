begin;
select plan(4);

select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "linkedin_url": "https://uk.linkedin.com/in/ada/"},
  {"email": "ADA.other@acme.com", "linkedin_url": "linkedin.com/in/ADA"}]') as first_batch \gset
select enrich.create_batch('company_and_person',
  '[{"linkedin_url": "http://www.linkedin.com/in/ada?trk=x", "company_domain": "acme.com"}]') as second_batch \gset

select is((select count(*) from enrich.normalized_people), 1::bigint,
  'one person for three rows sharing a LinkedIn profile');
select is((select count(distinct person_id) from enrich.batch_items), 1::bigint,
  'every item links to that person');
select is((select count(*) from enrich.batch_items where company_id is null), 0::bigint,
  'and to its company');
select is((select batch_item_id from enrich.normalized_people),
  enrich_test.item_id(:'first_batch', 1), 'the person remembers the item that introduced it');

select * from finish();
rollback;
