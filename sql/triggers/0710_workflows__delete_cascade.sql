-- A workflow's entity states and dispatches follow the workflow (what ON DELETE CASCADE and
-- the foreign keys did before migration 0007 dropped them): deleting or truncating
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

create or replace function enrich._refuse_deleting_used_workflows(p_slugs text[]) returns void
language plpgsql set search_path = '' as $$
declare
  v_slug      text;
  v_pipelines text;
  v_batches   bigint;
begin
  select u.slug, u.pipelines, u.batches into v_slug, v_pipelines, v_batches
  from (select o.slug,
               (select string_agg(p.name, ', ' order by p.name) from enrich.pipelines p
                 where o.slug = any(p.steps)) as pipelines,
               (select count(*) from enrich.batches b
                 where o.slug = any(b.steps)
                   and (b.status <> 'COMPLETED'
                        -- a late result or enrich retry revives a failed item: it moves on
                        or exists (select from enrich.batch_items i
                                    where i.batch_id = b.id and i.status = 'FAILED'))) as batches
          from unnest(p_slugs) as o(slug)) u
  where u.pipelines is not null or u.batches > 0
  order by u.slug limit 1;
  if v_slug is not null then
    raise exception using errcode = 'EN005',
      message = format('workflow %s is still in use: %s', quote_literal(v_slug),
                       concat_ws(' and ',
                         'pipeline ' || v_pipelines,
                         case when v_batches > 0
                              then v_batches || ' batch(es) whose items can still reach it' end)),
      detail = 'A batch can reach it while it is unfinished, or while it has failed items '
               || '(a late result or enrich retry revives them and they move on).',
      hint = 'Take it out of the pipelines (enrich pipeline set), let its batches finish and '
             || 'prune those (enrich prune) first: their items would never finish.';
  end if;
end;
$$;

create or replace function enrich._refuse_outside_read_committed(p_action text) returns void
language plpgsql set search_path = '' as $$
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception using errcode = 'EN005',
      message = format('%s workflows in a READ COMMITTED transaction', p_action),
      detail = 'Their entity states and dispatches are deleted with them, and the pipelines '
               || 'and batches still naming them are looked for: a '
               || current_setting('transaction_isolation')
               || ' snapshot would miss the ones committed since it was taken.';
  end if;
end;
$$;

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
