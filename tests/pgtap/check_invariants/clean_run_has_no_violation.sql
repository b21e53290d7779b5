begin;
select plan(2);
select enrich.create_batch('company_and_person', enrich_test.stage7_rows());
select is_empty($$select * from enrich.check_invariants()$$, 'no violation while work is in flight');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select enrich_test.deliver_all('enrich_person_via_waterfall_in_clay');
select is_empty($$select * from enrich.check_invariants()$$, 'nor when everything is done');
select * from finish();
rollback;
