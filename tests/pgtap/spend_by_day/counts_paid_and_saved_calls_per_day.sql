begin;
select plan(3);

select enrich.create_batch('company', enrich_test.stage7_rows());
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');

select results_eq(
  $$select day, workflow_slug, paid_calls, calls_saved from enrich.spend_by_day()$$,
  $$values ((now() at time zone 'UTC')::date, 'enrich_company_via_waterfall_in_clay', 3::bigint, 3::bigint)$$,
  'today: 3 paid calls served 6 rows, 3 of them without a call of their own');
update enrich.paid_calls set day = day - 3;
select is((select count(*) from enrich.spend_by_day((now() at time zone 'UTC')::date - 1)
            where paid_calls > 0), 0::bigint, 'p_since leaves out older days');
select is((select sum(paid_calls) from enrich.spend_by_day()), 3::numeric,
  'every day''s paid calls, in all');

select * from finish();
rollback;
