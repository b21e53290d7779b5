-- A workflow's entity states and dispatches follow the workflow (what ON DELETE CASCADE and
-- the foreign keys did before migration 0007 dropped them): deleting or truncating
-- workflows deletes them, set-based, once per statement; a slug never changes. Writers lock
-- the workflow row (FOR KEY SHARE) before they add rows for it, so a delete waits for them
-- and then sees their rows — under READ COMMITTED, where each statement takes a fresh
-- snapshot. A REPEATABLE READ or SERIALIZABLE deleter would keep its older snapshot and
-- miss rows committed meanwhile, so it is refused.

create or replace function enrich._workflows_after_delete() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception using errcode = 'EN005',
      message = 'delete workflows in a READ COMMITTED transaction',
      detail = 'Their entity states and dispatches are deleted with them, and a '
               || current_setting('transaction_isolation')
               || ' snapshot would miss the ones committed since it was taken.';
  end if;
  delete from enrich.dispatches d where d.workflow_slug in (select o.slug from deleted_workflows o);
  delete from enrich.company_workflow_states s
   where s.workflow_slug in (select o.slug from deleted_workflows o);
  delete from enrich.person_workflow_states s
   where s.workflow_slug in (select o.slug from deleted_workflows o);
  return null;
end;
$$;

create or replace function enrich._workflows_after_truncate() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- (not TRUNCATE: TRUNCATE ... CASCADE is already truncating dispatches, through
  -- workflow_webhooks, in this statement)
  delete from enrich.dispatches;
  delete from enrich.company_workflow_states;
  delete from enrich.person_workflow_states;
  return null;
end;
$$;

create or replace function enrich._workflows_before_slug_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception using errcode = 'EN005',
    message = format('a workflow''s slug cannot change (%s -> %s)', old.slug, new.slug),
    hint = 'Pipelines, entity states and dispatches name it: create a new workflow instead.';
end;
$$;

create or replace trigger workflows_0710_delete_cascade
  after delete on enrich.workflows
  referencing old table as deleted_workflows
  for each statement execute function enrich._workflows_after_delete();

create or replace trigger workflows_0710_truncate_cascade
  after truncate on enrich.workflows
  for each statement execute function enrich._workflows_after_truncate();

create or replace trigger workflows_0710_slug_is_fixed
  before update of slug on enrich.workflows
  for each row when (old.slug is distinct from new.slug)
  execute function enrich._workflows_before_slug_change();
