-- enrich._canonicalise_entity_keys: brings the keys of companies and people stored before
-- keys had one canonical form (an internationalised domain in Unicode; an email with
-- mailto:) to that form, so a later load finds them and nothing already paid for is paid
-- again. An entity alone under its canonical key is re-keyed in place; entities that
-- become one are merged (enrich._merge_entity) into the one with work in flight, else the
-- one with the newest result, else the one already under the key, else the oldest. A group
-- with work in flight in two of its entities is left as it is (a notice names the key; run
-- `enrich db migrate` again once that work has ended). `enrich db migrate` runs this after
-- every upgrade; once every key is canonical it reads the non-ASCII keys and changes nothing.

create or replace function enrich._canonicalise_entity_keys()
returns table (entity_type text, rekeyed bigint, merged bigint, left_as_they_are bigint)
language plpgsql set search_path = '' as $$
declare
  v_type     text;
  v_key      text;
  t          record;
  v_group    record;
  v_members  record;
  v_survivor uuid;
  v_rekeyed  bigint;
  v_merged   bigint;
  v_left     bigint;
begin
  foreach v_type in array array['company', 'person'] loop
    v_rekeyed := 0; v_merged := 0; v_left := 0;
    select * into t from enrich._entity_tables(v_type);
    v_key := case v_type when 'company' then 'domain' else 'person_key' end;
    for v_group in
      select k.new_key, array_agg(k.id) as ids
      from enrich._canonical_entity_keys(v_type) k
      group by k.new_key
    loop
      -- the group: the entities moving to the key and the one already under it, if any;
      -- their states locked, so no retry or claim starts work on one while it is merged
      execute format(
        'select from enrich.%1$I s where s.%2$I in (
           select e.id from enrich.%3$I e where e.id = any ($2) or e.%4$I = $1)
         for update of s',
        t.states, t.id_column, t.entities, v_key)
        using v_group.new_key, v_group.ids;
      execute format(
        'select count(*) filter (where g.busy) as busy,
                (array_agg(g.id order by g.busy desc, g.result_at desc nulls last,
                                         g.canonical desc, g.created_at, g.id))[1] as survivor,
                array_agg(g.id) as ids
         from (select e.id, e.created_at, e.%5$I = $1 as canonical,
                      exists (select from enrich.dispatches d
                              where d.entity_type = $3 and d.entity_id = e.id)
                      or exists (select from enrich.%2$I s where s.%3$I = e.id
                                 and s.status in (''PENDING'', ''IN_PROGRESS'')) as busy,
                      (select max(r.created_at) from enrich.%4$I r where r.%3$I = e.id)
                        as result_at
               from enrich.%1$I e where e.id = any ($2) or e.%5$I = $1) g',
        t.entities, t.states, t.id_column, t.results, v_key)
        into v_members using v_group.new_key, v_group.ids, v_type;
      if v_members.busy > 1 then
        raise notice '% key %: % of its spellings are being enriched right now; run enrich db migrate again when they are done',
          v_type, v_group.new_key, v_members.busy;
        v_left := v_left + cardinality(v_members.ids);
        continue;
      end if;
      v_survivor := v_members.survivor;
      for v_members in
        select m.id from unnest(v_members.ids) m(id) where m.id <> v_survivor
      loop
        perform enrich._merge_entity(v_type, v_survivor, v_members.id,
                                     v_key || ':' || v_group.new_key, null, 'upgrade');
        v_merged := v_merged + 1;
      end loop;
      execute format('update enrich.%I set %I = $1 where id = $2', t.entities, v_key)
        using v_group.new_key, v_survivor;
      -- the canonical domain or email is an identifier of the survivor (the old spelling
      -- stays one; a name key's identifier names its company by id, which does not change)
      if v_group.new_key not like 'name:%' then
        execute format('insert into enrich.%I (value, kind, %I) values ($1, $2, $3)
                        on conflict (value, kind) do update set %2$I = excluded.%2$I',
                       v_type || '_identifiers', t.id_column)
          using v_group.new_key, case v_type when 'company' then 'domain' else 'email' end,
                v_survivor;
      end if;
      execute format('update enrich.batch_items set %I = $1 where %I = $2',
                     v_type || '_key', t.id_column)
        using v_group.new_key, v_survivor;
      v_rekeyed := v_rekeyed + 1;
    end loop;
    if v_merged > 0 then  -- items that had not reached the merged entity's step yet
      perform enrich._follow_redirects();
    end if;
    entity_type := v_type; rekeyed := v_rekeyed; merged := v_merged; left_as_they_are := v_left;
    return next;
  end loop;
end;
$$;
comment on function enrich._canonicalise_entity_keys() is
  'Re-keys companies and people stored under a key that is not canonical any more, merging '
  'those that become one (see enrich._merge_entity). Counts per entity type.';
