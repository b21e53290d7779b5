-- enrich.open_batch: an empty batch for `enrich load`, which COPYs items into it and then
-- calls start_batch (the same SQL path as create_batch). A batch loaded in parts from
-- several connections is opened LOADING and committed first; each part then COPYs and
-- starts its own items, and enrich.finish_loading ends the load.

create or replace function enrich._loading_lock_key(p_batch_id uuid) returns bigint
language sql immutable parallel safe as $$
  select pg_catalog.hashtextextended(p_batch_id::text, 0)
$$;
comment on function enrich._loading_lock_key(uuid) is
  'The advisory lock (shared, session level) that each connection of a load in parts holds '
  'on its LOADING batch until it closes: with no holder left, doctor reports the batch as '
  'abandoned, and finish_loading / discard_loading_batch refuse while another session holds it.';

create or replace function enrich._loading_lock_holders(p_batch_id uuid) returns setof integer
language sql stable set search_path = '' as $$
  select l.pid from pg_catalog.pg_locks l
  where l.locktype = 'advisory' and l.granted and l.objsubid = 1  -- a bigint key, split in two
    and l.database = (select d.oid from pg_catalog.pg_database d
                      where d.datname = pg_catalog.current_database())
    and l.classid::bigint = (enrich._loading_lock_key(p_batch_id) >> 32) & 4294967295
    and l.objid::bigint = enrich._loading_lock_key(p_batch_id) & 4294967295
$$;
comment on function enrich._loading_lock_holders(uuid) is
  'The process ids of the sessions holding a LOADING batch''s lock (its loader''s connections).';

create or replace function enrich.open_batch(p_pipeline text, p_loading boolean default false)
returns uuid
language plpgsql set search_path = '' as $$
declare
  v_batch_id uuid;
  v_steps    text[];
  v_missing  text;
begin
  select p.steps into v_steps from enrich.pipelines p where p.name = p_pipeline;
  if found then
    -- none can go before we commit (a delete waits, then sees the batch and refuses); one
    -- deleted since the pipeline named it is refused here
    v_missing := enrich._lock_step_workflows(v_steps);
    if v_missing is not null then
      raise exception using errcode = 'EN001',
        message = format('unknown step or workflow %s', quote_literal(v_missing));
    end if;
    insert into enrich.batches (pipeline, steps, status)
    values (p_pipeline, v_steps, case when p_loading then 'LOADING' else 'IN_PROGRESS' end)
    returning id into v_batch_id;
    if p_loading then  -- held by this session until it closes (see _loading_lock_key)
      perform pg_catalog.pg_advisory_lock_shared(enrich._loading_lock_key(v_batch_id));
    end if;
  end if;
  if v_batch_id is null then
    raise exception using errcode = 'EN004',
      message = format('unknown pipeline %s', quote_literal(p_pipeline)),
      hint = 'See enrich.pipelines (built-ins: company, company_and_person).';
  end if;
  return v_batch_id;
end;
$$;
comment on function enrich.open_batch(text, boolean) is
  'Creates an empty batch for a pipeline (EN004 if unknown); fill batch_items, then call '
  'start_batch in the same transaction. With p_loading, the batch is LOADING: commit it, '
  'COPY and start each part in its own transaction, then call finish_loading.';

create or replace function enrich._refuse_live_load(p_batch_id uuid) returns void
language plpgsql set search_path = '' as $$
declare
  v_holder integer;
begin
  select h into v_holder from enrich._loading_lock_holders(p_batch_id) as h
  where h <> pg_catalog.pg_backend_pid() limit 1;
  if v_holder is not null then
    raise exception using errcode = 'EN005',
      message = format('batch %s is still loading (its loader is process %s)', p_batch_id, v_holder);
  end if;
end;
$$;

create or replace function enrich.finish_loading(p_batch_id uuid) returns void
language plpgsql set search_path = '' as $$
begin
  perform enrich._refuse_live_load(p_batch_id);
  -- the parts' counts; a batch whose parts started before migration 0012 has none: counted
  update enrich.batches b
     set status = 'IN_PROGRESS',
         item_count = coalesce(
           (select sum(p.item_count) from enrich.loading_batch_parts p where p.batch_id = b.id),
           (select count(*) from enrich.batch_items i where i.batch_id = b.id))
   where b.id = p_batch_id and b.status = 'LOADING';
  if not found then
    raise exception using errcode = 'EN002',
      message = format('no LOADING batch %s', p_batch_id);
  end if;
  delete from enrich.loading_batch_parts p where p.batch_id = p_batch_id;
  perform enrich._refresh_batch_status(array[p_batch_id]);
end;
$$;
comment on function enrich.finish_loading(uuid) is
  'Ends a load in parts: the LOADING batch (EN002 if none) gets its item count (the sum of '
  'its parts'' counts) and its status from its items (IN_PROGRESS, or COMPLETED if every '
  'item has finished). EN005 while another session (a loader still running) holds the '
  'batch''s lock.';

create or replace function enrich.discard_loading_batch(p_batch_id uuid) returns boolean
language plpgsql set search_path = '' as $$
begin
  perform enrich._refuse_live_load(p_batch_id);
  if not exists (select from enrich.batches b where b.id = p_batch_id and b.status = 'LOADING') then
    return false;
  end if;
  -- items first, the batch row last: the order a result's cascade takes them in
  if enrich._delete_batches(array[p_batch_id], 'LOADING') = 0 then
    raise exception using errcode = 'EN005',
      message = format('batch %s stopped loading meanwhile; nothing deleted', p_batch_id);
  end if;
  return true;
end;
$$;
comment on function enrich.discard_loading_batch(uuid) is
  'Deletes a LOADING batch (a load in parts that failed) with its items and item steps; '
  'the entities its committed parts claimed stay, as any batch''s do. False if there is no '
  'such batch; EN005 while another session (a loader still running) holds its lock.';
