-- A company is found by any identifier its rows brought, in the forms users paste: its page
-- (any subdomain, case, sub-page), its numeric LinkedIn id (bare, as a URL, from Sales
-- Navigator), its website or domain, its name (legal form and case aside); with its state,
-- newest result and the rows linked to it.
begin;
select plan(14);

select enrich.create_batch('company', '[
  {"company_website": "https://www.globex.com/about", "company_name": "Globex Corporation",
   "company_linkedin_url": "https://www.linkedin.com/company/globex/"},
  {"company_domain": "globex.com", "company_linkedin_url": "https://www.linkedin.com/company/1234/"},
  {"company_domain": "other.com"}]') as b1 \gset
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select id as globex from enrich.normalized_companies where domain = 'globex.com' \gset

select is(enrich.lookup_entity(v) #>> '{entities,0,id}', :'globex', 'found by ' || v)
from unnest(array['https://uk.linkedin.com/company/GLOBEX/about/', '1234',
                  'https://www.linkedin.com/company/1234', 'linkedin.com/sales/company/1234,abc',
                  'http://shop.globex.com/x?y=1', 'GLOBEX.COM', 'Globex Corp.', 'globex']) v;
select is(jsonb_array_length(enrich.lookup_entity(v) -> 'entities'), 1, 'one company for ' || v)
from unnest(array['1234', 'Globex Corp.']) v;

select enrich.lookup_entity('globex.com', 5) as found \gset
select is(:'found'::jsonb #> '{entities,0,identifiers}',
  '[{"kind": "domain", "value": "globex.com"},
    {"kind": "linkedin_page", "value": "https://www.linkedin.com/company/globex"},
    {"kind": "linkedin_company_id", "value": "linkedin-id:1234"}]'::jsonb,
  'every identifier of the company');
select is((:'found'::jsonb #> '{entities,0,workflows,0}') - array['completed_at', 'result_at'],
  jsonb_build_object('workflow', 'enrich_company_via_waterfall_in_clay', 'status', 'COMPLETED',
    'attempts', 1, 'paid_calls', 1, 'last_error', null,
    'result', jsonb_build_object('enriched', true)),
  'its state, paid calls and newest result per workflow');
select is(:'found'::jsonb #> '{entities,0,batches}',
  jsonb_build_array(jsonb_build_object('batch_id', :'b1', 'pipeline', 'company',
    'status', 'COMPLETED', 'items', 2,
    'created_at', (select to_jsonb(created_at) from enrich.batches where id = :'b1'))),
  'the batch whose two rows are this company');
select is((select array_agg(r ->> 'row_number' order by r ->> 'row_number')
             from jsonb_array_elements(:'found'::jsonb #> '{entities,0,rows}') r),
  array['1', '2'], 'and, asked for, those rows');

select * from finish();
rollback;
