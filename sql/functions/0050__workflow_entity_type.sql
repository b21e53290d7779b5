-- enrich._workflow_entity_type: a workflow's entity type, or error EN001 for an unknown slug.
-- Shared by every function that takes a workflow from outside.

create or replace function enrich._workflow_entity_type(p_slug text) returns text
language plpgsql stable set search_path = '' as $$
declare
  v_type text;
begin
  select w.entity_type into v_type from enrich.workflows w where w.slug = p_slug;
  if v_type is null then
    raise exception using errcode = 'EN001',
      message = format('unknown workflow %s', quote_literal(p_slug));
  end if;
  return v_type;
end;
$$;
comment on function enrich._workflow_entity_type(text) is
  'company | person for a workflow slug; raises EN001 (unknown workflow) otherwise.';
