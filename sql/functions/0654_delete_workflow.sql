-- enrich.delete_workflow: `enrich workflow delete`. The workflow goes with its entity states
-- and dispatches (the delete triggers); refused (EN005) while a pipeline or a batch whose
-- items can still reach it names it.

create or replace function enrich.delete_workflow(p_slug text) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_type      text;
  v_states    text;
  v_completed bigint;
begin
  select w.entity_type into v_type from enrich.workflows w where w.slug = p_slug;
  if not found then
    raise exception using errcode = 'EN001',
      message = format('unknown workflow %s', quote_literal(p_slug));
  end if;
  select t.states into v_states from enrich._entity_tables(v_type) t;
  execute format('select count(*) from enrich.%I s where s.workflow_slug = $1 and s.status = $2',
                 v_states)
    into v_completed using p_slug, 'COMPLETED';
  delete from enrich.workflows w where w.slug = p_slug;
  return jsonb_build_object('deleted', p_slug, 'completed_entities', v_completed);
end;
$$;
comment on function enrich.delete_workflow(text) is
  'Deletes a workflow with its entity states and dispatches (refused, EN005, while a pipeline '
  'or a live batch names it). Returns how many COMPLETED entities (paid-for results) it '
  'took out of use.';
