begin;
select plan(2);
delete from enrich.workflow_webhooks;
select enrich.create_batch('company', '[{"email": "a@acme.com"}]');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 0::bigint,
  'a workflow without a webhook is not claimed');
select is((select webhook_url from enrich.claim_dispatches('w1', 10, '1 minute', true)), null,
  'unless the worker brings its own (the simulator): webhook_url is NULL');
select * from finish();
rollback;
