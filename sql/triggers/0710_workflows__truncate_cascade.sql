-- Truncating workflows empties their entity states and dispatches too (the same rule as a
-- delete, see 0710_workflows__delete_cascade.sql), once pipelines and batches no longer name any.

create or replace function enrich._workflows_after_truncate() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform enrich._refuse_outside_read_committed('truncate');
  -- (the truncated rows are out of reach: every entity step still named is checked)
  perform enrich._refuse_deleting_used_workflows(array(
    select s from (select p.steps from enrich.pipelines p
                   union all
                   select b.steps from enrich.batches b) u,
                  unnest(u.steps) as s
     where s not in ('normalize_all_core_values', 'split')
     group by s));
  -- (not TRUNCATE: TRUNCATE ... CASCADE is already truncating dispatches, through
  -- workflow_webhooks, in this statement)
  delete from enrich.dispatches;
  delete from enrich.company_workflow_states;
  delete from enrich.person_workflow_states;
  return null;
end;
$$;

create or replace trigger workflows_0710_truncate_cascade
  after truncate on enrich.workflows
  for each statement execute function enrich._workflows_after_truncate();
