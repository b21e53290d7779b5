-- Deleting a workflow deletes its entity states and dispatches (what ON DELETE CASCADE did
-- before migration 0007 dropped the per-row foreign keys), set-based, once per statement.
-- Writers lock the workflow row (FOR KEY SHARE) before they add rows for it, so a delete
-- waits for them and then sees their rows.

create or replace function enrich._workflows_after_delete() returns trigger
language plpgsql set search_path = '' as $$
begin
  delete from enrich.dispatches d where d.workflow_slug in (select o.slug from deleted_workflows o);
  delete from enrich.company_workflow_states s
   where s.workflow_slug in (select o.slug from deleted_workflows o);
  delete from enrich.person_workflow_states s
   where s.workflow_slug in (select o.slug from deleted_workflows o);
  return null;
end;
$$;

create or replace trigger workflows_0710_delete_cascade
  after delete on enrich.workflows
  referencing old table as deleted_workflows
  for each statement execute function enrich._workflows_after_delete();
