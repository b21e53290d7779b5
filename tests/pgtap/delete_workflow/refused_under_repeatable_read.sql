-- A REPEATABLE READ deleter would delete entity states and dispatches with its old
-- snapshot and miss the ones committed since: refused (READ COMMITTED works, see
-- takes_its_states_and_dispatches_along.sql).
begin isolation level repeatable read;
select plan(3);

select throws_ok(
  $$delete from enrich.workflows where slug = 'enrich_company_via_waterfall_in_clay'$$,
  'EN005', 'delete workflows in a READ COMMITTED transaction',
  'deleting a workflow under REPEATABLE READ is refused');
select isnt_empty(
  $$select from enrich.workflows where slug = 'enrich_company_via_waterfall_in_clay'$$,
  'and the workflow stays');
select throws_ok($$truncate enrich.workflows cascade$$,
  'EN005', 'truncate workflows in a READ COMMITTED transaction',
  'truncating workflows under REPEATABLE READ is refused too (it looks for batches naming them)');

select * from finish();
rollback;
