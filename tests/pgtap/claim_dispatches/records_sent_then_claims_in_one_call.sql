begin;
select plan(4);

select enrich.create_batch('company',
  '[{"email": "a@acme.com"}, {"email": "b@beta.com"}, {"email": "c@gamma.com"}]');
create temp table first_round as
  select * from enrich.claim_dispatches('w1', 2, '1 minute', false, '{}'::bigint[]);

select is((select count(*) from first_round), 2::bigint, 'with nothing sent it only claims');
create temp table second_round as
  select * from enrich.claim_dispatches('w1', 5, '1 minute', false,
                                        array(select dispatch_id from first_round));
select is((select count(*) from enrich.dispatches where status = 'SENT'
            and id in (select dispatch_id from first_round)), 2::bigint,
  'the dispatches of the first round are recorded SENT');
select is((select count(*) from second_round), 1::bigint, 'and what is left is claimed');
select is((select count(*) from enrich.claim_dispatches('w1', 0, '1 minute', false,
                                                         array(select dispatch_id from second_round))),
  0::bigint, 'a limit of 0 only records');

select * from finish();
rollback;
