begin;
select plan(5);
select enrich.set_workflow('enrich_company_via_waterfall_in_clay',
  array['https://hooks.test/a', 'https://hooks.test/b'], p_max_submissions => 3);
select enrich.create_batch('company', (select jsonb_agg(jsonb_build_object('email', 'x@rotation-' || i || '.com'))
                                        from generate_series(1, 8) i));
select results_eq($$select webhook_url, count(*) from enrich.claim_dispatches('w1', 10) group by 1$$,
  $$values ('https://hooks.test/a', 3::bigint)$$, 'the first webhook takes up to its cap');
select results_eq($$select webhook_url, count(*) from enrich.claim_dispatches('w1', 10) group by 1$$,
  $$values ('https://hooks.test/b', 3::bigint)$$, 'then the next one');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 0::bigint,
  'when none is left nothing is claimed (the dispatches wait)');
select is((select count(*) from enrich.dispatches where status = 'QUEUED'), 2::bigint, 'two still queued');
select is((select jsonb_agg(h -> 'retired') from jsonb_array_elements(
            enrich.describe_workflow('enrich_company_via_waterfall_in_clay') -> 'webhooks') h
            where h ->> 'url' like 'https://hooks.test/%'),
  '[true, true]'::jsonb, 'both webhooks are retired');
select * from finish();
rollback;
