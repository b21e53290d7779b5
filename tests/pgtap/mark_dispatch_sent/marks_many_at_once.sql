begin;
select plan(5);

update enrich.workflows set timeout = '10 minutes' where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company',
  '[{"email": "a@acme.com"}, {"email": "b@beta.com"}, {"email": "c@gamma.com"}]');
create temp table mine as select dispatch_id from enrich.claim_dispatches('w1', 2);
create temp table theirs as select dispatch_id from enrich.claim_dispatches('w2', 1);

select is(enrich.mark_dispatch_sent(array(select dispatch_id from theirs), 'w1'), 0,
  'only the lease holder may report');
select is(enrich.mark_dispatch_sent(array(select dispatch_id from mine union all
                                          select dispatch_id from theirs), 'w1'), 2,
  'the holder marks its own, and only those');
select is((select count(*) from enrich.dispatches where status = 'SENT'
            and callback_deadline - sent_at = interval '10 minutes'), 2::bigint,
  'SENT with the workflow timeout as deadline');
select is((select status from enrich.dispatches where id = (select dispatch_id from theirs)),
  'LEASED', 'the other worker''s dispatch is untouched');
select is(enrich.mark_dispatch_sent(array(select dispatch_id from mine), 'w1'), 0,
  'marking again changes nothing');

select * from finish();
rollback;
