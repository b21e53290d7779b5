begin;
select plan(4);

update enrich.workflows set timeout = '10 minutes' where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select dispatch_id from enrich.claim_dispatches('w1', 1) \gset

select is(enrich.mark_dispatch_sent(:dispatch_id, 'w2'), false, 'only the lease holder may report');
select is(enrich.mark_dispatch_sent(:dispatch_id, 'w1'), true, 'the holder marks it sent');
select is((select status from enrich.dispatches where id = :dispatch_id), 'SENT', 'status SENT');
select is((select callback_deadline - sent_at from enrich.dispatches where id = :dispatch_id),
  interval '10 minutes', 'the deadline is the workflow timeout');

select * from finish();
rollback;
