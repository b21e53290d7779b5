begin;
select plan(4);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "x@gmail.com"}]') as batch_id \gset
select is(enrich.batch_status(:'batch_id') -> 'done', 'false'::jsonb, 'not done while the company is out');
select is(enrich.batch_status(:'batch_id') -> 'steps' -> 1, '{"step": "split", "counts": {"COMPLETED": 1, "FAILED": 1}}'::jsonb,
  'per-step counts in pipeline order');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich.batch_status(:'batch_id') -> 'done', 'true'::jsonb, 'done');
select is(enrich.batch_status(gen_random_uuid()), null, 'unknown batch: NULL');
select * from finish();
rollback;
