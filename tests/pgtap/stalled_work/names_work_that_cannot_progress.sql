-- Doctor must never say "healthy" while work is stuck: each way work can stall is provoked
-- for real and named, then cleared by the way out.
begin;
select plan(8);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@beta.com"}]');

select results_eq($$select problem, subject_id from enrich.stalled_work()$$,
  $$values ('no_worker_alive'::text, '2 dispatches'::text)$$,
  'due work and no worker alive');
select enrich.heartbeat('w-1', 'worker', 'host-a', 1, 'test');
select is_empty($$select * from enrich.stalled_work()$$, 'a live worker clears it');

select enrich_test.send_all();
update enrich.dispatches set callback_deadline = now() - interval '11 minutes',
                             sent_at = now() - interval '1 hour'
 where entity_id = enrich_test.company_id('acme.com');
select results_eq($$select problem from enrich.stalled_work()$$, $$values ('callback_overdue'::text)$$,
  'a callback far past its deadline (no reaper running)');
select enrich.reap_dispatches();
select is_empty($$select * from enrich.stalled_work()$$, 'reaped: cleared');

-- an older release (or a hand-made call) leased one for a century
update enrich.dispatches set status = 'LEASED', leased_by = 'w-1', sent_at = null,
       callback_deadline = null, leased_until = now() + interval '100 years'
 where entity_id = enrich_test.company_id('beta.com');
select results_eq($$select problem from enrich.stalled_work()$$,
  $$values ('lease_beyond_maximum'::text)$$, 'a lease beyond the maximum');
select enrich.release_dispatches('w-1', array(select id from enrich.dispatches
                                              where entity_id = enrich_test.company_id('beta.com')));
select is_empty($$select * from enrich.stalled_work() where problem = 'lease_beyond_maximum'$$,
  'released: cleared');

update enrich.workflows set entity_type = 'person' where slug = 'enrich_company_via_waterfall_in_clay';
select results_eq($$select problem, subject_id from enrich.stalled_work() where problem = 'entity_type_mismatch'$$,
  $$values ('entity_type_mismatch'::text, 'enrich_company_via_waterfall_in_clay'::text)$$,
  'a workflow whose states are of the other type');
update enrich.workflows set entity_type = 'company' where slug = 'enrich_company_via_waterfall_in_clay';
select is_empty($$select * from enrich.stalled_work() where problem = 'entity_type_mismatch'$$,
  'set back: cleared');
select * from finish();
rollback;
