-- Callbacks straight to the database (Supabase RPC, public API key): the secret decides.
begin;
select plan(9);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]') as batch_id \gset
select enrich_test.send_all();
select enrich_test.company_id('acme.com') as company \gset

select throws_ok(format($$select enrich.receive_callback('anything', 'enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', %L, 'industry', 'x'))$$, :'company'), 'EN006', 'callback secret refused',
  'without a secret set, every callback is refused');
select lives_ok($$select enrich.set_callback_secret('s3cret-of-24-characters!')$$, 'a secret is set');
select is((select count(*) from enrich.callback_secrets where digest = sha256('s3cret-of-24-characters!'::bytea)),
  1::bigint, 'as its digest only');
select throws_ok(format($$select enrich.receive_callback('wrong-secret-of-24-chars', 'enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', %L, 'industry', 'x'))$$, :'company'), 'EN006', null,
  'a wrong secret is refused');
select is((select count(*) from enrich.company_enrichment_results), 0::bigint, 'and records nothing');
select is(enrich.receive_callback('s3cret-of-24-characters!', 'enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', :'company'::uuid, 'industry', 'Tools')), 'completed',
  'the right secret records the result');
select throws_ok($$select enrich.set_callback_secret('short')$$, 'EN003', null, 'a weak secret is refused');
select throws_ok($$select enrich.set_callback_secret('sixteen-chars-but-ü-not-ascii')$$, 'EN003', null,
  'and one no HTTP header can carry');
select enrich.set_callback_secret('the-next-secret-of-24ch', p_keep_previous => true);
select is((select count(*) from enrich.callback_secrets), 2::bigint, 'rotation keeps the previous one');
select * from finish();
rollback;
