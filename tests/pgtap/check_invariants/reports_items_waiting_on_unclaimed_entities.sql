-- An item that waits on an entity nobody has claimed (PENDING, or no state at all) waits
-- for nothing: doctor reports it, with the way out, which works.
begin;
select plan(4);

select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}]') as batch_id \gset
select is((select count(*) from enrich.check_invariants()), 0::bigint, 'a running batch is fine');
-- the claim taken back under a waiting item (what a refused load in parts can race into)
delete from enrich.dispatches;
delete from enrich.company_workflow_states;
select is((select count(*) from enrich.check_invariants() where invariant = 'item_waiting_on_unclaimed_entity'),
  2::bigint, 'both items (IN_PROGRESS and WAITING) on the unclaimed company are reported');
select is(enrich.set_company_workflow_status(enrich_test.company_id('acme.com'),
                                             'enrich_company_via_waterfall_in_clay', 'IN_PROGRESS'),
  'IN_PROGRESS', 'the way out claims it again');
select is((select count(*) from enrich.check_invariants()), 0::bigint, 'and all is well');

select * from finish();
rollback;
