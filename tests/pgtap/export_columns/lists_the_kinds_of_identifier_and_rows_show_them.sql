-- The export's header lists the kinds of identifier the batch's companies and people are
-- known by, and each row shows every identifier of its own company and person of that kind
-- (several joined with '; '), in CSV and in JSONL alike.
begin;
select plan(4);
select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "linkedin_url": "linkedin.com/in/ada", "company_domain": "acme.com",
   "company_linkedin_url": "linkedin.com/company/acme"},
  {"email": "countess@acme.com", "linkedin_url": "https://www.linkedin.com/in/ada/", "company_domain": "acme.com"}]') as b \gset
select is((select identifiers from enrich.export_columns(:'b')),
  '[{"entity": "company", "kind": "domain"}, {"entity": "company", "kind": "linkedin_page"},
    {"entity": "person", "kind": "email"}, {"entity": "person", "kind": "linkedin"}]'::jsonb,
  'the kinds the batch''s entities are known by');
select is((select count(*) from enrich.batch_items where batch_id = :'b'), 2::bigint, 'two rows');
select results_eq(
  format('select * from (%s) q', enrich.export_csv_query(:'b', '[
    {"ours": "row_number"}, {"identifier": "company", "kind": "linkedin_page"},
    {"identifier": "person", "kind": "email"}]')),
  $$values ('1', 'https://www.linkedin.com/company/acme', 'ada@acme.com; countess@acme.com'),
           ('2', 'https://www.linkedin.com/company/acme', 'ada@acme.com; countess@acme.com')$$,
  'each row shows its entities'' identifiers, the second row the page it did not bring');
select is((select record -> 'identifiers' -> 'person' -> 'email' from enrich.export_batch(:'b')
           where row_number = 2),
  '["ada@acme.com", "countess@acme.com"]'::jsonb, 'JSONL has them as lists');
select * from finish();
rollback;
