begin;
select plan(10);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "x@gmail.com"}]') as batch_id \gset
select is(enrich.batch_status(:'batch_id') -> 'done', 'false'::jsonb, 'not done while the company is out');
select is(enrich.batch_status(:'batch_id') -> 'steps' -> 1,
  '{"step": "split", "counts": {"COMPLETED": 1, "FAILED": 1}, "not_reached": 0, "upcoming": 0}'::jsonb,
  'per-step counts in pipeline order');
select is(enrich.batch_status(:'batch_id') -> 'steps' -> 2 -> 'not_reached', '1'::jsonb,
  'the row that failed at split never reaches the company step: not reached there');
select is(enrich.batch_status(:'batch_id') -> 'failed', '1'::jsonb, 'one failed row');
select is(enrich.batch_status(:'batch_id') -> 'no_worker', 'true'::jsonb,
  'unfinished work and no worker alive: said');
select enrich.heartbeat('worker-1', 'worker', 'host', 1, 'test', interval '1 minute');
select is(enrich.batch_status(:'batch_id') -> 'no_worker', 'false'::jsonb,
  'a worker alive: not said');
select isnt(enrich.batch_status(:'batch_id') ->> 'worker_seen_at', null, 'when a worker was last seen');
update enrich.processes set seen_at = now() - interval '2 minutes', alive_until = now() - interval '1 minute' where id = 'worker-1';
select is(enrich.batch_status(:'batch_id') -> 'no_worker', 'true'::jsonb,
  'its heartbeat expired: said again');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich.batch_status(:'batch_id') -> 'done', 'true'::jsonb, 'done');
select is(enrich.batch_status(:'batch_id') -> 'no_worker', 'false'::jsonb,
  'a finished batch needs no worker');
select * from finish();
rollback;
