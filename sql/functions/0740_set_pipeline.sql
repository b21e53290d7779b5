-- enrich.set_pipeline: define a pipeline (`enrich pipeline set NAME STEP...`).

create or replace function enrich.set_pipeline(p_name text, p_steps text[]) returns text[]
language plpgsql set search_path = '' as $$
declare
  v_unknown text;
begin
  v_unknown := enrich._lock_step_workflows(p_steps);  -- none can go before we commit
  if v_unknown is not null then
    raise exception using errcode = 'EN003',
      message = format('unknown step %s: use normalize_all_core_values, split or a workflow slug',
                       quote_literal(v_unknown));
  end if;
  if cardinality(p_steps) is distinct from (select count(distinct s) from unnest(p_steps) s)::int then
    raise exception using errcode = 'EN003', message = 'a step may appear only once in a pipeline';
  end if;
  if p_steps[1:2] is distinct from array['normalize_all_core_values', 'split'] then
    raise exception using errcode = 'EN003',
      message = 'a pipeline starts with normalize_all_core_values, split (entity steps need them)';
  end if;
  insert into enrich.pipelines (name, steps) values (p_name, p_steps)
  on conflict (name) do update set steps = excluded.steps, updated_at = now();
  return p_steps;
end;
$$;
comment on function enrich.set_pipeline(text, text[]) is
  'Creates or replaces a pipeline: normalize_all_core_values, split, then workflow slugs. '
  'Running batches keep the steps they started with.';
