-- enrich.perform_queued_merges: identity work left for worker housekeeping, a few at a time
-- (several workers take different ones: SKIP LOCKED): domains results taught
-- (enrich._learn_identifiers) become identifiers, or merge their company with the one that
-- has the domain; then batches whose entities merges changed are recounted. Returns how many
-- merges were performed.

create or replace function enrich.perform_queued_merges(p_limit integer default 50)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_work     record;
  v_entity   uuid;
  v_other    uuid;
  v_kind     text;
  v_value    text;
  v_survivor uuid;
  v_done     integer := 0;
  v_batches  uuid[];
begin
  for v_work in
    select q.id, q.entity_type, q.entity_id, q.other_id, q.linked_by
    from enrich.queued_merges q order by q.id
    limit greatest(coalesce(p_limit, 50), 0)
    for update skip locked
  loop
    -- ids merged away meanwhile live on as their survivors
    v_entity := enrich._live_entity_id(v_work.entity_id);
    v_other := enrich._live_entity_id(v_work.other_id);
    if v_other is null then  -- a domain to learn: it is the company's, or names the other
      v_kind := split_part(v_work.linked_by, ':', 1);
      v_value := substr(v_work.linked_by, length(v_kind) + 2);
      insert into enrich.company_identifiers (value, kind, company_id)
      select v_value, v_kind, c.id from enrich.normalized_companies c where c.id = v_entity
      on conflict do nothing;
      if found then
        update enrich.normalized_companies c set domain = v_value, updated_at = now()
         where c.id = v_entity and c.domain is null and v_kind = 'domain';
      else
        select i.company_id into v_other from enrich.company_identifiers i
         where i.value = v_value and i.kind = v_kind;
      end if;
    end if;
    if v_other is not null and v_entity <> v_other then
      v_survivor := enrich._merge_survivor(v_work.entity_type, array[v_entity, v_other]);
      if v_survivor is not null then
        perform enrich._merge_entity(
          v_work.entity_type, v_survivor,
          case when v_survivor = v_entity then v_other else v_entity end,
          v_work.linked_by, null, 'result');
        perform enrich._queue_recounts(array[v_survivor]);
        v_done := v_done + 1;
      end if;
    end if;
    delete from enrich.queued_merges q where q.id = v_work.id;
  end loop;

  -- batches that merges left with fewer distinct companies or people
  with taken as (
    delete from enrich.queued_recounts q
     where q.ctid = any(array(select q2.ctid from enrich.queued_recounts q2
                               limit 1000 for update skip locked))
    returning q.batch_id)
  select array_agg(distinct t.batch_id) into v_batches from taken t;
  if v_batches is not null then
    perform enrich._count_batch_entities(v_batches);
  end if;
  return v_done;
end;
$$;
comment on function enrich.perform_queued_merges(integer) is
  'Worker housekeeping: up to p_limit queued identity tasks (oldest first; concurrent callers '
  'take different ones): a domain a result taught becomes its company''s identifier, or '
  'merges it with the company that has it; then batches merges changed are recounted. '
  'Returns how many merged.';
