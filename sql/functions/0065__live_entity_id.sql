-- enrich._live_entity_id: the entity an id names now: itself, or the entity it was merged
-- into (enrich.entity_redirects is kept current through later merges: one hop).

create or replace function enrich._live_entity_id(p_id uuid) returns uuid
language sql stable set search_path = '' as $$
  select coalesce((select r.entity_id from enrich.entity_redirects r where r.old_id = p_id), p_id)
$$;
comment on function enrich._live_entity_id(uuid) is
  'The id itself, or the survivor it was merged into; NULL for NULL.';
