begin;
select plan(3);
insert into enrich.normalized_companies (domain) values ('solo.com');
select is(enrich.set_company_workflow_status(enrich_test.company_id('solo.com'),
            'enrich_company_via_waterfall_in_clay', 'IN_PROGRESS'), 'IN_PROGRESS', 'claimed by hand');
select is((select count(*) from enrich.dispatches where entity_id = enrich_test.company_id('solo.com')),
  1::bigint, 'a dispatch is queued, so the entity is sent');
select is(enrich.set_company_workflow_status(enrich_test.company_id('solo.com'),
            'enrich_company_via_waterfall_in_clay', 'FAILED', '{"error": "gave up"}'), 'FAILED', 'failed by hand');
select * from finish();
rollback;
