-- enrich._merge_survivor: which of several entities found to be one survives the merge: the
-- one with the most workflows holding a fresh result, then one with work in flight, then the
-- oldest (so what was paid for and what is being paid for stay where they are).

create or replace function enrich._merge_survivor(p_entity_type text, p_ids uuid[]) returns uuid
language plpgsql stable set search_path = '' as $$
declare
  t          record;
  v_survivor uuid;
begin
  select * into t from enrich._entity_tables(p_entity_type);
  execute format($sql$
    select e.id from enrich.%1$I e
    where e.id = any($1)
    order by (select count(*) from enrich.%2$I s join enrich.workflows w on w.slug = s.workflow_slug
               where s.%3$I = e.id and s.status = 'COMPLETED'
                 and (w.ttl is null or s.completed_at >= now() - w.ttl)) desc,
             exists (select from enrich.%2$I s where s.%3$I = e.id
                      and s.status in ('PENDING', 'IN_PROGRESS')) desc,
             e.created_at, e.id
    limit 1
  $sql$, t.entities, t.states, t.id_column) into v_survivor using p_ids;
  return v_survivor;
end;
$$;
comment on function enrich._merge_survivor(text, uuid[]) is
  'Of entities of one type that are one: the most workflows with a fresh result, then work in '
  'flight, then the oldest. NULL when none of them exists.';
