begin;
select plan(6);

select enrich.create_batch('company', enrich_test.stage7_rows());
create temp table claimed as select * from enrich.claim_dispatches('w1', 2, '1 minute');

select is((select count(*) from claimed), 2::bigint, 'at most p_limit dispatches');
select is((select count(*) from enrich.dispatches where status = 'LEASED' and leased_by = 'w1'),
  2::bigint, 'leased to the worker');
select is((select count(*) from enrich.claim_dispatches('w2', 10)), 1::bigint,
  'a second worker gets only what is left');
select is((select count(*) from enrich.claim_dispatches('w3', 10)), 0::bigint,
  'nothing is handed out twice');
select ok((select bool_and(payload ->> 'workflow' = 'enrich_company_via_waterfall_in_clay'
                           and payload ->> 'company_id' = entity_id::text
                           and payload ? 'company_domain') from claimed),
  'the payload has workflow, company_id and the company fields');
select is((select min(attempt) from claimed), 1, 'each claim counts an attempt');

select * from finish();
rollback;
