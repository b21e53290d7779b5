-- A workflow's entity states and dispatches follow the workflow (they have no foreign key to
-- it, a per-row check at bulk scale: migration 0007): deleting or truncating
-- workflows deletes them, set-based, once per statement; a slug never changes. Writers lock
-- the workflow row (FOR KEY SHARE) before they add rows for it, so a delete waits for them
-- and then sees their rows — under READ COMMITTED, where each statement takes a fresh
-- snapshot. A REPEATABLE READ or SERIALIZABLE delete or truncate would keep its older
-- snapshot and miss rows (and pipelines, batches) committed meanwhile, so it is refused.
-- A workflow that a pipeline or a batch whose items can still reach it names cannot go:
-- items waiting at that step would never finish, and items before it would fail the
-- callback that moves them on (unknown workflow) for as long as Clay retries it. A batch
-- can reach it while unfinished, or while it has failed items (a late result or retry
-- revives them). Batches lock the workflows they name when they open (open_batch), and
-- pipelines when they are set, so a delete waits for them and then sees them.

create or replace function enrich._workflows_after_delete() returns trigger
language plpgsql set search_path = '' as $$
declare
  v_slugs text[] := array(select o.slug from deleted_workflows o);
begin
  perform enrich._refuse_outside_read_committed('delete');
  perform enrich._refuse_deleting_used_workflows(v_slugs);
  delete from enrich.dispatches d where d.workflow_slug = any(v_slugs);
  delete from enrich.company_workflow_states s where s.workflow_slug = any(v_slugs);
  delete from enrich.person_workflow_states s where s.workflow_slug = any(v_slugs);
  return null;
end;
$$;

create or replace trigger workflows_0710_delete_cascade
  after delete on enrich.workflows
  referencing old table as deleted_workflows
  for each statement execute function enrich._workflows_after_delete();
