-- enrich._link_identities: which entity each row is, from the identifiers the rows bring.
-- Rows that share an identifier, directly or through a chain of rows, and every entity
-- already known by one of those identifiers, are one entity: a new one when none is known,
-- else the known one (several known ones merge). Set-based: each distinct identifier is
-- looked up once and components are found by label propagation (chains are short).
--
-- Input: pg_temp.row_identifiers (item_id, kind, value), the rows' identifiers of one type;
-- p_cause: what linked them (batch: a load's rows; upgrade: rows stored before identities).
-- Output: pg_temp.item_entities (item_id, entity_id, is_new): is_new entities have
-- identifiers but no row yet; the caller creates them (their columns are type-specific).
--
-- Concurrency: identifiers are inserted in (value, kind) order before any claim, so a
-- concurrent load inserting one of ours waits for us (and we for it) without deadlock; the
-- owners are read back once every insert has settled, and an identifier that a concurrent
-- load took links its entity to ours: they merge here, before either is sent twice.

create or replace function enrich._link_identities(p_entity_type text, p_cause text)
returns void
language plpgsql set search_path = '' as $$
declare
  v_identifiers text := p_entity_type || '_identifiers';
  v_entities    text;
  v_id          text;
  v_component   record;
  v_loser       record;
  v_survivor    uuid;
  v_locked      uuid[];
  v_survivors   uuid[] := '{}';
  v_new         bigint;
  v_inserted    bigint;
  v_known       uuid[];
  v_live        bigint;
  v_insert      text;
  v_try         integer;
begin
  select t.entities, t.id_column into v_entities, v_id from enrich._entity_tables(p_entity_type) t;

  -- 0. A value over 2,000 bytes identifies nothing (no real domain, address or profile is
  --    that long; a stray quote in a CSV makes such cells, and an index entry must fit a
  --    page): its row is linked by its other identifiers, or fails for want of one.
  delete from pg_temp.row_identifiers r where octet_length(r.value) > 2000;

  -- 1. The distinct identifiers, each with the entity it already names (one index probe
  --    per distinct value), and the identifiers of each item.
  execute format($sql$
    create temporary table link_nodes on commit drop as
    select row_number() over () as node, d.kind, d.value, i.%2$I as owner, d.rows
    from (select r.kind, r.value, count(*) as rows from pg_temp.row_identifiers r
          group by 1, 2) d
    left join (select i.value, i.kind, i.%2$I from enrich.%1$I i
                where i.value = any(array(select distinct r.value from pg_temp.row_identifiers r))) i
           on i.value = d.value and i.kind = d.kind
  $sql$, v_identifiers, v_id);
  analyze pg_temp.link_nodes;
  --    (links: the item has two or more; shared: one of them is on another row or names a
  --    known entity, so that the item can link beyond itself)
  create temporary table link_item_nodes on commit drop as
  select r.item_id, n.node, n.rows > 1 or n.owner is not null as shared
  from pg_temp.row_identifiers r
  join pg_temp.link_nodes n on n.kind = r.kind and n.value = r.value;
  create temporary table link_items on commit drop as
  select x.item_id, min(x.node) as node, count(*) > 1 as links, bool_or(x.shared) as shared
  from pg_temp.link_item_nodes x group by 1;
  analyze pg_temp.link_items;

  -- 2. Components: each node starts with the smallest node of the items it is on and of the
  --    nodes naming the same known entity; the smallest label then spreads over items and
  --    known entities whose nodes disagree, to a fixpoint (usually none is needed: a row's
  --    identifiers are mostly all on its other rows too). An item whose identifiers are on
  --    no other row and name no known entity starts with one label and keeps it: only the
  --    others are read again.
  create temporary table link_labels on commit drop as
  select n.node, least(n.node, by_item.label, by_owner.label) as label
  from pg_temp.link_nodes n
  left join (select x.node, min(it.node) as label
               from pg_temp.link_item_nodes x join pg_temp.link_items it on it.item_id = x.item_id
              where it.links group by 1) by_item on by_item.node = n.node
  left join (select o.node, min(o.node) over (partition by o.owner) as label
               from pg_temp.link_nodes o where o.owner is not null) by_owner
         on by_owner.node = n.node;
  create unique index on pg_temp.link_labels (node);
  analyze pg_temp.link_labels;
  loop
    update pg_temp.link_labels l set label = m.label
      from (select x.node, min(g.label) as label
              from (select x2.item_id, min(l2.label) as label
                      from pg_temp.link_item_nodes x2
                      join pg_temp.link_items it
                        on it.item_id = x2.item_id and it.links and it.shared
                      join pg_temp.link_labels l2 on l2.node = x2.node
                     group by 1 having min(l2.label) <> max(l2.label)) g
              join pg_temp.link_item_nodes x on x.item_id = g.item_id
             group by 1
            union all
            select n.node, g.label
              from (select n2.owner, min(l2.label) as label
                      from pg_temp.link_nodes n2 join pg_temp.link_labels l2 on l2.node = n2.node
                     where n2.owner is not null
                     group by 1 having min(l2.label) <> max(l2.label)) g
              join pg_temp.link_nodes n on n.owner = g.owner) m
     where l.node = m.node and m.label < l.label;
    exit when not found;
  end loop;

  -- 3. Each component's entity: a known one (merges come below), else a new id; its new
  --    identifiers are inserted in (value, kind) order, waiting on concurrent inserts.
  create temporary table link_components on commit drop as
  select l.label, coalesce(min(n.owner::text)::uuid, enrich._uuid_v7()) as entity_id,
         min(n.owner::text) is null as is_new,
         min(n.owner::text) <> max(n.owner::text) as links_known  -- (two or more)
  from pg_temp.link_labels l join pg_temp.link_nodes n on n.node = l.node
  group by l.label;
  analyze pg_temp.link_components;
  --    A plain insert first: a conflict (a concurrent load inserted one of them and
  --    committed) is rare, and checking each row for one costs a third of the insert; on
  --    one, the whole insert is made again, skipping the identifiers taken.
  select count(*) into v_new from pg_temp.link_nodes n where n.owner is null;
  v_insert := format($sql$
    insert into enrich.%1$I (value, kind, %2$I)
    select n.value, n.kind, c.entity_id
    from pg_temp.link_nodes n
    join pg_temp.link_labels l on l.node = n.node
    join pg_temp.link_components c on c.label = l.label
    where n.owner is null
    order by n.value, n.kind
  $sql$, v_identifiers, v_id);
  begin
    execute v_insert;
    get diagnostics v_inserted = row_count;
  exception when unique_violation then
    execute v_insert || ' on conflict do nothing';
    get diagnostics v_inserted = row_count;
  end;

  -- 4. The owners as they are now. Usually what was read before: every new identifier was
  --    ours to insert and every known entity still lives. Otherwise a concurrent load took
  --    an identifier (its entity and ours are one) or merged away an entity we saw: the
  --    owners are read again. The known entities are key-share locked (in id order) to be
  --    counted: a merge taking one away that has not committed yet is waited for, and one
  --    that comes later waits for us (and then moves the identifiers we gave it).
  -- (steps 4 and 5 are made again, from the locks on, when they deadlock with a concurrent
  -- load that holds the same entities: the attempt's locks go with it, the other load goes
  -- on, and the next attempt, after a short random pause, waits for it)
  for v_try in 1 .. 8 loop
    begin
      v_survivors := '{}';
      v_known := array(select distinct n.owner from pg_temp.link_nodes n where n.owner is not null);
      -- (a retry takes them for update at once, so that it has no lock to upgrade later)
      execute format('select count(*) from (select from enrich.%I e where e.id = any($1)
                                             order by e.id for %s) live',
                     v_entities, case when v_try = 1 then 'key share' else 'update' end)
        into v_live using v_known;
      create temporary table link_owners (label bigint, owner uuid, made_here boolean) on commit drop;
      if v_inserted = v_new and v_live = cardinality(v_known) then
        insert into pg_temp.link_owners
        select distinct l.label, n.owner, false
        from pg_temp.link_components c
        join pg_temp.link_labels l on l.label = c.label
        join pg_temp.link_nodes n on n.node = l.node
        where c.links_known and n.owner is not null;
      else
        -- identifiers we gave a known entity that a concurrent merge took away name its survivor
        execute format($sql$
          update enrich.%1$I i set %2$I = enrich._live_entity_id(i.%2$I)
            from pg_temp.link_nodes n
           where i.value = any(array(select n2.value from pg_temp.link_nodes n2
                                      where n2.owner is null))
             and i.value = n.value and i.kind = n.kind and n.owner is null
             and i.%2$I = any($1)
             and not exists (select from enrich.%3$I e where e.id = i.%2$I)
        $sql$, v_identifiers, v_id, v_entities) using v_known;
        execute format($sql$
          update pg_temp.link_nodes n set owner = i.%2$I
            from enrich.%1$I i
           where i.value = any(array(select n2.value from pg_temp.link_nodes n2))
             and i.value = n.value and i.kind = n.kind and i.%2$I is distinct from n.owner
        $sql$, v_identifiers, v_id);
        insert into pg_temp.link_owners
        select distinct l.label, n.owner, c.is_new and n.owner = c.entity_id
        from pg_temp.link_nodes n
        join pg_temp.link_labels l on l.node = n.node
        join pg_temp.link_components c on c.label = l.label
        where n.owner is not null;
        -- a component whose identifiers all name one entity is that entity
        update pg_temp.link_components c set entity_id = o.owner, is_new = o.made_here
          from pg_temp.link_owners o
         where o.label = c.label
           and o.label in (select o2.label from pg_temp.link_owners o2 group by 1 having count(*) = 1);
      end if;

      -- 5. Components that link two or more entities merge them into one survivor (every
      --    entity involved locked first, in id order). The id made here always loses (it has
      --    no work and no result): its identifiers just move.
      v_locked := array(select distinct o.owner from pg_temp.link_owners o
                         where not o.made_here
                           and o.label in (select o2.label from pg_temp.link_owners o2
                                            group by 1 having count(*) > 1)
                         order by 1);
      if cardinality(v_locked) > 0 then
        execute format('select from enrich.%I e where e.id = any($1) order by e.id for update',
                       v_entities) using v_locked;
      end if;
      for v_component in
        select o.label, array_agg(o.owner order by o.owner) filter (where not o.made_here) as known,
               (array_agg(o.owner) filter (where o.made_here))[1] as made_here
        from pg_temp.link_owners o
        group by o.label having count(*) > 1
      loop
        v_survivor := enrich._merge_survivor(p_entity_type, v_component.known);
        if v_component.made_here is not null then
          execute format('update enrich.%I set %I = $1 where %2$I = $2', v_identifiers, v_id)
            using v_survivor, v_component.made_here;
        end if;
        for v_loser in
          select k.id,
                 (select n.kind || ':' || n.value from pg_temp.link_nodes n
                    join pg_temp.link_labels l on l.node = n.node
                   where l.label = v_component.label and n.owner = k.id
                   order by n.node limit 1) as linked_by,
                 (select i.batch_id from pg_temp.link_labels l
                    join pg_temp.link_item_nodes x on x.node = l.node
                    join enrich.batch_items i on i.id = x.item_id
                   where l.label = v_component.label limit 1) as batch_id
          from unnest(v_component.known) k(id) where k.id <> v_survivor
        loop
          v_survivor := enrich._merge_entity(p_entity_type, v_survivor, v_loser.id,
                                             v_loser.linked_by, v_loser.batch_id, p_cause);
        end loop;
        update pg_temp.link_components c set entity_id = v_survivor, is_new = false
         where c.label = v_component.label;
        v_survivors := v_survivors || v_survivor;
      end loop;
      if cardinality(v_survivors) > 0 then  -- batches that had two of them now have one fewer:
        -- recounted by housekeeping (their rows locked here would hold their callbacks back)
        perform enrich._queue_recounts(v_survivors);
      end if;
      exit;
    exception when deadlock_detected then
      if v_try = 8 then
        raise;
      end if;
      perform pg_sleep(random() * 0.05 * v_try);  -- (two loads retrying in step: not again)
    end;
  end loop;

  -- 6. Each item's entity (by its smallest node: all of its nodes have one label).
  create temporary table item_entities on commit drop as
  select it.item_id, c.entity_id, c.is_new
  from pg_temp.link_items it
  join pg_temp.link_labels l on l.node = it.node
  join pg_temp.link_components c on c.label = l.label;
  analyze pg_temp.item_entities;
  drop table pg_temp.link_nodes, pg_temp.link_item_nodes, pg_temp.link_items,
             pg_temp.link_labels, pg_temp.link_components, pg_temp.link_owners;
end;
$$;
comment on function enrich._link_identities(text, text) is
  'The entity of each row of pg_temp.row_identifiers (item_id, kind, value): rows sharing an '
  'identifier (transitively) and the entities known by them are one; known entities a '
  'component links are merged (p_cause: why, for entity_merges); new identifiers are '
  'inserted. Writes pg_temp.item_entities '
  '(item_id, entity_id, is_new); the caller creates the is_new entities.';
