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
begin
  select t.entities, t.id_column into v_entities, v_id from enrich._entity_tables(p_entity_type) t;

  -- 1. The distinct identifiers, each with the entity it already names (one index probe
  --    per distinct value).
  create temporary table link_nodes on commit drop as
  select row_number() over () as node, d.kind, d.value, null::bigint as label,
         null::uuid as owner
  from (select r.kind, r.value from pg_temp.row_identifiers r group by 1, 2) d;
  execute format($sql$
    update pg_temp.link_nodes n set owner = i.%2$I
      from enrich.%1$I i
     where i.value = any(array(select n2.value from pg_temp.link_nodes n2))
       and i.value = n.value and i.kind = n.kind
  $sql$, v_identifiers, v_id);
  create temporary table link_item_nodes on commit drop as
  select r.item_id, n.node from pg_temp.row_identifiers r
  join pg_temp.link_nodes n on n.kind = r.kind and n.value = r.value;
  analyze pg_temp.link_nodes;
  analyze pg_temp.link_item_nodes;

  -- 2. Components: every node starts as its own label; an item links its nodes, a known
  --    entity links the nodes naming it; the smallest label spreads to a fixpoint.
  create temporary table link_edges on commit drop as
  select distinct e.a, e.b
  from (select min(x.node) over (partition by x.item_id) as a, x.node as b
          from pg_temp.link_item_nodes x
        union all
        select min(n.node) over (partition by n.owner), n.node
          from pg_temp.link_nodes n where n.owner is not null) e
  where e.a <> e.b;
  update pg_temp.link_nodes set label = node;
  if exists (select from pg_temp.link_edges) then
    analyze pg_temp.link_edges;
    loop
      update pg_temp.link_nodes n set label = m.label
        from (select s.node, min(s.label) as label
                from (select e.a as node, l.label from pg_temp.link_edges e
                        join pg_temp.link_nodes l on l.node = e.b
                      union all
                      select e.b, l.label from pg_temp.link_edges e
                        join pg_temp.link_nodes l on l.node = e.a) s
               group by s.node) m
       where n.node = m.node and m.label < n.label;
      exit when not found;
    end loop;
  end if;

  -- 3. Each component's entity: a known one (merges come below), else a new id; its new
  --    identifiers are inserted in (value, kind) order, waiting on concurrent inserts.
  create temporary table link_components on commit drop as
  select n.label, coalesce(min(n.owner::text)::uuid, enrich._uuid_v7()) as entity_id,
         min(n.owner::text) is null as fresh
  from pg_temp.link_nodes n group by n.label;
  analyze pg_temp.link_components;
  execute format($sql$
    insert into enrich.%1$I (value, kind, %2$I)
    select n.value, n.kind, c.entity_id
    from pg_temp.link_nodes n join pg_temp.link_components c on c.label = n.label
    where n.owner is null
    order by n.value, n.kind
    on conflict do nothing
  $sql$, v_identifiers, v_id);

  -- 4. The owners as they are now (a concurrent load may have taken an identifier, or
  --    merged away an entity we saw), and per component the entities it links: known ones,
  --    and the id made here if it kept an identifier (an entity with no row yet).
  update pg_temp.link_nodes set owner = null;
  execute format($sql$
    update pg_temp.link_nodes n set owner = i.%2$I
      from enrich.%1$I i
     where i.value = any(array(select n2.value from pg_temp.link_nodes n2))
       and i.value = n.value and i.kind = n.kind
  $sql$, v_identifiers, v_id);
  create temporary table link_owners on commit drop as
  select distinct n.label, n.owner, c.fresh and n.owner = c.entity_id as made_here
  from pg_temp.link_nodes n join pg_temp.link_components c on c.label = n.label
  where n.owner is not null;
  update pg_temp.link_components c set entity_id = o.owner
    from pg_temp.link_owners o
   where o.label = c.label
     and o.label in (select o2.label from pg_temp.link_owners o2 group by 1 having count(*) = 1);

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
               where n.label = v_component.label and n.owner = k.id
               order by n.node limit 1) as linked_by,
             (select i.batch_id from pg_temp.link_nodes n
                join pg_temp.link_item_nodes x on x.node = n.node
                join enrich.batch_items i on i.id = x.item_id
               where n.label = v_component.label limit 1) as batch_id
      from unnest(v_component.known) k(id) where k.id <> v_survivor
    loop
      v_survivor := enrich._merge_entity(p_entity_type, v_survivor, v_loser.id,
                                         v_loser.linked_by, v_loser.batch_id, p_cause);
    end loop;
    update pg_temp.link_components c set entity_id = v_survivor where c.label = v_component.label;
    v_survivors := v_survivors || v_survivor;
  end loop;
  if cardinality(v_survivors) > 0 then  -- batches that had two of them now have one fewer
    perform enrich._count_batch_entities(array(
      select distinct i.batch_id from enrich.workflow_states ws
        join enrich.batch_items i on i.id = ws.item_id
       where ws.entity_id = any(v_survivors)));
  end if;

  -- 6. Each item's entity.
  create temporary table item_entities on commit drop as
  select distinct on (x.item_id) x.item_id, c.entity_id,
         exists (select from pg_temp.link_owners o
                  where o.label = c.label and o.made_here and o.owner = c.entity_id) as is_new
  from pg_temp.link_item_nodes x
  join pg_temp.link_nodes n on n.node = x.node
  join pg_temp.link_components c on c.label = n.label;
  analyze pg_temp.item_entities;
  drop table pg_temp.link_nodes, pg_temp.link_item_nodes, pg_temp.link_edges,
             pg_temp.link_components, pg_temp.link_owners;
end;
$$;
comment on function enrich._link_identities(text, text) is
  'The entity of each row of pg_temp.row_identifiers (item_id, kind, value): rows sharing an '
  'identifier (transitively) and the entities known by them are one; known entities a '
  'component links are merged (p_cause: why, for entity_merges); new identifiers are '
  'inserted. Writes pg_temp.item_entities '
  '(item_id, entity_id, is_new); the caller creates the is_new entities.';
