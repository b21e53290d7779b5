-- enrich._end_held_claims: the claims a load in parts made while it waited for its
-- --max-new-calls check (dispatches held with available_at 'infinity') come due when the
-- load is kept (p_due), or are taken back when it is refused or discarded: nothing was paid
-- for them. A claim another batch's items wait on is kept and comes due for that batch (its
-- call is booked there); the others are deleted and their entities unclaimed: one with a
-- result (re-claimed past its TTL) is COMPLETED again as of its newest result, one with
-- paid calls but no result is PENDING (its paid calls stay counted), the others (claimed
-- first by this load) go. Set-based, per entity type.

create or replace function enrich._end_held_claims(p_batch_id uuid, p_due boolean)
returns bigint
language plpgsql set search_path = '' as $$
declare
  v_slugs   text[];
  v_ended   bigint;
  v_count   bigint := 0;
  v_tables  record;
begin
  if p_due then
    with due as (
      update enrich.dispatches d set available_at = now(), updated_at = now()
       where d.batch_id = p_batch_id and d.available_at = 'infinity' and d.status = 'QUEUED'
      returning d.workflow_slug)
    select array_agg(distinct due.workflow_slug), count(*) into v_slugs, v_count from due;
  else
    for v_tables in
      select t.entity_type, e.states, e.id_column, e.results
        from (values ('company'), ('person')) as t(entity_type)
        cross join enrich._entity_tables(t.entity_type) e
    loop
      execute format($sql$
        with held as (
          select d.id, d.workflow_slug, d.entity_id from enrich.dispatches d
           where d.batch_id = $1 and d.available_at = 'infinity' and d.status = 'QUEUED'
             and d.entity_type = $2
           order by d.id
           for update),
        waited as (   -- another batch's items wait on the entity: it is sent for them
          select distinct on (h.id) h.id, i.batch_id from held h
          join enrich.workflow_states ws
            on ws.entity_id = h.entity_id and ws.step_name = h.workflow_slug
          join enrich.batch_items i on i.id = ws.item_id
          where ws.status in ('WAITING', 'IN_PROGRESS') and i.batch_id <> $1
          order by h.id, i.batch_id, i.row_number),
        released as (
          update enrich.dispatches d
             set available_at = now(), updated_at = now(), batch_id = w.batch_id
            from waited w where d.id = w.id
          returning d.workflow_slug),
        dropped as (
          delete from enrich.dispatches d using held h
           where d.id = h.id and not exists (select from waited w where w.id = h.id)
          returning d.workflow_slug, d.entity_id),
        states as (
          select s.id, r.at from dropped x
          join enrich.%1$I s on s.workflow_slug = x.workflow_slug and s.%2$I = x.entity_id
          left join lateral (select max(res.created_at) as at from enrich.%3$I res
                              where res.%2$I = x.entity_id
                                and res.workflow_slug = x.workflow_slug) r on true
          where s.status = 'IN_PROGRESS'),
        unclaimed as (   -- nothing to keep (no result, never paid for): as if never claimed
          delete from enrich.%1$I s using states st
           where s.id = st.id and st.at is null and s.paid_calls = 0
          returning 1),
        restored as (    -- re-claimed: COMPLETED as of its newest result, else PENDING
          update enrich.%1$I s
             set status = case when st.at is null then 'PENDING' else 'COMPLETED' end,
                 completed_at = st.at, updated_at = now()
            from states st
           where s.id = st.id and (st.at is not null or s.paid_calls > 0)
          returning 1)
        select (select array_agg(distinct r.workflow_slug) from released r),
               (select count(*) from dropped) + (select count(*) from released)
        -- (unclaimed and restored run to completion unread, as every data-modifying WITH)
      $sql$, v_tables.states, v_tables.id_column, v_tables.results)
      into v_slugs, v_ended using p_batch_id, v_tables.entity_type;
      v_count := v_count + v_ended;
      perform pg_notify('enrich_dispatch', s) from unnest(v_slugs) as s;
      v_slugs := null;
    end loop;
  end if;
  perform pg_notify('enrich_dispatch', s) from unnest(v_slugs) as s;  -- one per workflow
  return v_count;
end;
$$;
comment on function enrich._end_held_claims(uuid, boolean) is
  'A load in parts'' held claims (dispatches with available_at ''infinity'' booked to '
  'p_batch_id): with p_due they come due and the workers are woken; else they are taken '
  'back (nothing was paid): those another batch''s items wait on come due for that batch, '
  'the others are deleted and their entities unclaimed (COMPLETED as of their newest '
  'result if any, else PENDING if ever paid for, else deleted). Returns how many.';
