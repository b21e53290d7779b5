begin;
select plan(3);

-- inserts are the steps' own: they hand the rows they finished to the orchestrator (0700's header)
select triggers_are('enrich', 'workflow_states', array['workflow_states_0700_advance_after_update']);
select is(
  (select array_agg(distinct (tgtype & 1)::int) from pg_trigger
    where tgrelid = 'enrich.workflow_states'::regclass and not tgisinternal),
  array[0], 'the advance trigger is statement-level (not per row)');
select trigger_is('enrich', 'workflow_states', 'workflow_states_0700_advance_after_update',
  'enrich', '_workflow_states_after_update');

select * from finish();
rollback;
