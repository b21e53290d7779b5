-- enrich.open_batch: an empty batch for `enrich load`, which COPYs items into it and then
-- calls start_batch (the same SQL path as create_batch). A batch loaded in parts from
-- several connections is opened LOADING and committed first; each part then COPYs and
-- starts its own items, and enrich.finish_loading ends the load. The loader (p_loader, a
-- process of enrich.processes) is the batch's: while its heartbeat lasts the load is alive.

create or replace function enrich.open_batch(
  p_pipeline text, p_loading boolean default false, p_loader text default null,
  p_max_new_calls bigint default null
) returns uuid
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
    if p_max_new_calls is not null and (not p_loading or p_max_new_calls < 0) then
      raise exception using errcode = 'EN003',
        message = 'open_batch: p_max_new_calls (>= 0) is for a load in parts (p_loading)';
    end if;
    insert into enrich.batches (pipeline, steps, status, max_new_calls)
    values (p_pipeline, v_steps, case when p_loading then 'LOADING' else 'IN_PROGRESS' end,
            p_max_new_calls)
    returning id into v_batch_id;
    if p_loader is not null then  -- its heartbeat tells who it is alive (enrich.heartbeat)
      update enrich.processes p set batch_id = v_batch_id
       where p.id = p_loader and p.kind = 'loader';
      if not found then
        raise exception using errcode = 'EN003',
          message = format('open_batch: no loader %s (call enrich.heartbeat first)',
                           quote_literal(p_loader));
      end if;
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
comment on function enrich.open_batch(text, boolean, text, bigint) is
  'Creates an empty batch for a pipeline (EN004 if unknown); fill batch_items, then call '
  'start_batch in the same transaction. With p_loading, the batch is LOADING: commit it, '
  'COPY and start each part in its own transaction, then call finish_loading. With '
  'p_max_new_calls too, the load''s claims are held (never due) until finish_loading has '
  'checked that it needs no more new paid calls.';
