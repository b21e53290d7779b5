begin;
select plan(3);
select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_rate_per_second => 0.001, p_burst => 5);
update enrich.workflows set rate_tokens = 5, rate_refilled_at = now() where slug = 'enrich_company_via_waterfall_in_clay';
select enrich.create_batch('company', (select jsonb_agg(jsonb_build_object('email', 'x@rotation-' || i || '.com'))
                                        from generate_series(1, 12) i));
select is((select count(*) from enrich.claim_dispatches('w1', 4)), 4::bigint, 'first worker: 4 of the 5 tokens');
select is((select count(*) from enrich.claim_dispatches('w2', 10)), 1::bigint, 'second worker: the last token');
select is((select count(*) from enrich.claim_dispatches('w3', 10)), 0::bigint, 'the bucket is empty for everyone');
select * from finish();
rollback;
