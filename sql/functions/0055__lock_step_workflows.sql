-- enrich._lock_step_workflows: what a pipeline or a batch opening does before it names
-- workflows. Locks them (FOR KEY SHARE, in slug order), so none can be deleted before the
-- naming commits (a delete waits, then sees the name and refuses); returns the first step
-- that is neither a SQL step nor an existing workflow (NULL when all exist).

create or replace function enrich._lock_step_workflows(p_steps text[]) returns text
language plpgsql set search_path = '' as $$
declare
  v_unknown text;
begin
  perform 1 from enrich.workflows w where w.slug = any(p_steps) order by w.slug for key share;
  select s into v_unknown from unnest(p_steps) as s
   where s not in ('normalize_all_core_values', 'split')
     and not exists (select from enrich.workflows w where w.slug = s)
   limit 1;
  return v_unknown;
end;
$$;
comment on function enrich._lock_step_workflows(text[]) is
  'Locks the workflows named by a list of steps (FOR KEY SHARE) and returns the first step '
  'that is no workflow (NULL when all exist).';
