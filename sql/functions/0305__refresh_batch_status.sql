-- enrich._refresh_batch_status: a batch is COMPLETED when none of its items is unfinished
-- (NOTIFY enrich_batch_completed), IN_PROGRESS again when a late result revives one.

create or replace function enrich._refresh_batch_status(p_batch_ids uuid[]) returns void
language plpgsql set search_path = '' as $$
declare
  v_completed uuid[];
begin
  -- Lock first, then look (a fresh snapshot per statement): two transactions finishing the
  -- last items of one batch cannot both miss each other's work.
  -- (not a LOADING one: its parts must not queue on its row, finish_loading decides)
  perform 1 from enrich.batches b where b.id = any(p_batch_ids) and b.status <> 'LOADING'
   order by b.id for no key update;

  with computed as (
    select b.id,
           case when exists (select from enrich.batch_items i
                             where i.batch_id = b.id and i.finished_at is null)
                then 'IN_PROGRESS' else 'COMPLETED' end as status
    from enrich.batches b where b.id = any(p_batch_ids)
      and b.status <> 'LOADING'  -- a load in parts: enrich.finish_loading decides
  ),
  changed as (
    update enrich.batches b
       set status = c.status,
           completed_at = case when c.status = 'COMPLETED' then now() end
      from computed c
     where b.id = c.id and b.status <> c.status
    returning b.id, b.status
  )
  select array_agg(c.id order by c.id) into v_completed from changed c where c.status = 'COMPLETED';
  perform pg_notify('enrich_batch_completed', c.id::text) from unnest(v_completed) as c(id);
end;
$$;
comment on function enrich._refresh_batch_status(uuid[]) is
  'Sets each batch COMPLETED (with NOTIFY enrich_batch_completed) when none of its items is '
  'unfinished, or back to IN_PROGRESS when a late result revived one. LOADING batches stay.';
