begin;
select plan(5);
-- Clay's bucket counts a row when the POST arrives, a little after our claim. A claim that
-- draws on a full workspace bucket gets the whole burst, but the bucket refills only from
-- when the POSTs may have arrived (0.25 s later): Clay's full bucket loses that refill.
select enrich.set_workspace('default', 10, 20);
update enrich.workspaces set rate_tokens = 20, rate_refilled_at = now() - interval '1 hour'
 where name = 'default';
select enrich.create_batch('company', (select jsonb_agg(jsonb_build_object('email', 'x@refill-' || i || '.com'))
                                        from generate_series(1, 30) i));
select is((select count(*) from enrich.claim_dispatches('w1', 20)), 20::bigint,
  'a full bucket grants the whole burst');
select ok((select rate_refilled_at between clock_timestamp() + interval '0.2 s'
                                       and clock_timestamp() + interval '0.25 s'
             from enrich.workspaces where name = 'default'),
  'and refills from when its POSTs may have reached Clay');
-- 0.1 s later (as if): nothing has refilled yet
update enrich.workspaces set rate_refilled_at = rate_refilled_at - interval '0.1 s'
 where name = 'default';
select is((select count(*) from enrich.claim_dispatches('w2', 10)), 0::bigint,
  'no refill before then');
-- a claim from a bucket far from full keeps the usual clock; a later one is not moved back
update enrich.workspaces set rate_tokens = 5, rate_refilled_at = clock_timestamp() - interval '0.01 s'
 where name = 'default';
select is((select count(*) from enrich.claim_dispatches('w3', 2)), 2::bigint, 'two of five tokens');
select ok((select rate_refilled_at <= clock_timestamp() from enrich.workspaces where name = 'default'),
  'a bucket far from full refills from the claim');
select * from finish();
rollback;
