-- A workflow's slug never changes: pipelines, entity states and dispatches name it (with no
-- foreign key since migration 0007), so a rename would orphan them.

create or replace function enrich._workflows_before_slug_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception using errcode = 'EN005',
    message = format('a workflow''s slug cannot change (%s -> %s)', old.slug, new.slug),
    hint = 'Pipelines, entity states and dispatches name it: create a new workflow instead.';
end;
$$;

create or replace trigger workflows_0710_slug_is_fixed
  before update of slug on enrich.workflows
  for each row when (old.slug is distinct from new.slug)
  execute function enrich._workflows_before_slug_change();
