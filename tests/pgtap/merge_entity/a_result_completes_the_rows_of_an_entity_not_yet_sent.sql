-- A company with a result and one whose call is still queued turn out to be one (a row
-- brings the domain of one and the page of the other): the queued call is never made and
-- the waiting rows complete with the result at once.
begin;
select plan(8);

select enrich.create_batch('company', '[{"company_domain": "acme.com"}]') as b1 \gset
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich.pause_workflow('enrich_company_via_waterfall_in_clay', true);
select enrich.create_batch('company', '[
  {"company_name": "Acme", "company_linkedin_url": "https://www.linkedin.com/company/acme-corp"},
  {"company_name": "Acme Corp", "company_linkedin_url": "linkedin.com/company/acme-corp/about"}]') as b2 \gset
select is((select count(*) from enrich.dispatches), 1::bigint, 'the page-only company is queued');
select company_id as by_page from enrich.batch_items where batch_id = :'b2' and row_number = 1 \gset

select enrich.create_batch('company', '[
  {"company_domain": "www.acme.com", "company_linkedin_url": "https://uk.linkedin.com/company/ACME-CORP/"}]') as b3 \gset
select is((select count(*) from enrich.dispatches), 0::bigint, 'the queued call is gone');
select is((select count(*) from enrich.normalized_companies), 1::bigint, 'one company');
select is((select status from enrich.batch_items where batch_id = :'b2' and row_number = 2),
  'COMPLETED', 'the rows that waited on the queued call are completed');
select is((select record #>> '{results,enrich_company_via_waterfall_in_clay,enriched}'
           from enrich.export_batch(:'b2') where row_number = 1), 'true',
  'with the result paid for before');
select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', :'by_page', 'late', true)),
  'duplicate', 'a callback naming the merged-away id is answered as a duplicate');
select is_empty($$select * from enrich.check_invariants()$$, 'every invariant holds');
select enrich.pause_workflow('enrich_company_via_waterfall_in_clay', false);
select is(enrich.refresh_entities('enrich_company_via_waterfall_in_clay', null, :'by_page'), 1,
  'a refresh naming the merged-away id refreshes the survivor');

select * from finish();
rollback;
