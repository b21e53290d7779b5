-- enrich.estimate_batch_calls: what a batch will cost in Clay calls, per workflow. `enrich
-- load --dry-run` loads the file in a transaction, reads this, and rolls back;
-- `--max-new-calls` reads it before committing.

create or replace function enrich.estimate_batch_calls(p_batch_id uuid)
returns table (
  workflow_slug text, entity_type text, rows_reaching bigint, unique_entities bigint,
  already_fresh bigint, in_flight bigint, already_failed bigint, new_calls bigint,
  failed_at_split bigint
)
language plpgsql stable set search_path = '' as $$
declare
  v_batch enrich.batches;
  v_step  record;
  v_split bigint;
begin
  select b.* into v_batch from enrich.batches b where b.id = p_batch_id;
  if not found then
    return;
  end if;
  select count(*) into v_split from enrich.workflow_states ws
    join enrich.batch_items i on i.id = ws.item_id
   where i.batch_id = p_batch_id and ws.step_name = 'split' and ws.status = 'FAILED';

  for v_step in
    select st.step, st.position, w.entity_type, w.ttl, t.states, t.id_column
    from unnest(v_batch.steps) with ordinality as st(step, position)
    join enrich.workflows w on w.slug = st.step
    cross join enrich._entity_tables(w.entity_type) t
    order by st.position
  loop
    return query execute format($sql$
      with reaching as (   -- items that reach this step: not failed at an earlier one
        select i.id, i.%2$I as entity_id from enrich.batch_items i
        where i.batch_id = $1 and i.%2$I is not null
          and not exists (select from enrich.workflow_states f
                          where f.item_id = i.id and f.status = 'FAILED'
                            and array_position($3, f.step_name) < $4)
      ),
      entities as (
        select distinct r.entity_id from reaching r
      ),
      claimed_here as (   -- entities this batch's items claimed: new calls already queued
        select distinct ws.entity_id from enrich.workflow_states ws
        join reaching r on r.id = ws.item_id
        where ws.step_name = $2 and ws.status = 'IN_PROGRESS'
      ),
      classified as (
        select e.entity_id,
               case when c.entity_id is not null then 'new'
                    when s.status = 'COMPLETED'
                         and ($5::interval is null or s.completed_at >= now() - $5::interval)
                      then 'fresh'
                    when s.status = 'IN_PROGRESS' then 'in_flight'
                    when s.status = 'FAILED' then 'failed'
                    else 'new' end as kind
        from entities e
        left join claimed_here c on c.entity_id = e.entity_id
        left join enrich.%1$I s on s.%2$I = e.entity_id and s.workflow_slug = $2
      )
      select $2, $6, (select count(*) from reaching),
             count(*), count(*) filter (where kind = 'fresh'),
             count(*) filter (where kind = 'in_flight'), count(*) filter (where kind = 'failed'),
             count(*) filter (where kind = 'new'), $7
      from classified
    $sql$, v_step.states, v_step.id_column)
    using p_batch_id, v_step.step, v_batch.steps, v_step.position::integer, v_step.ttl,
          v_step.entity_type, v_split;
  end loop;
end;
$$;
comment on function enrich.estimate_batch_calls(uuid) is
  'Per workflow step of a batch: rows that reach it, unique entities, those already fresh '
  '(free), in flight for another batch (free here), FAILED (their rows fail, free), the new '
  'paid calls it needs (claimed by this batch or to be claimed when its rows arrive), and '
  'the batch''s rows that failed at split.';
