-- enrich.open_batch: an empty batch for `enrich load`, which COPYs items into it and then
-- calls start_batch (the same SQL path as create_batch).

create or replace function enrich.open_batch(p_pipeline text) returns uuid
language plpgsql set search_path = '' as $$
declare
  v_batch_id uuid;
  v_steps    text[];
  v_missing  text;
begin
  select p.steps into v_steps from enrich.pipelines p where p.name = p_pipeline;
  if found then
    -- locked, so none can be deleted before this batch naming it commits (a delete waits,
    -- then sees the batch and refuses); one deleted since we read the pipeline is refused here
    perform 1 from enrich.workflows w where w.slug = any(v_steps) order by w.slug for key share;
    select s into v_missing from unnest(v_steps) as s
     where s not in ('normalize_all_core_values', 'split')
       and not exists (select from enrich.workflows w where w.slug = s)
     limit 1;
    if v_missing is not null then
      raise exception using errcode = 'EN001',
        message = format('unknown step or workflow %s', quote_literal(v_missing));
    end if;
    insert into enrich.batches (pipeline, steps) values (p_pipeline, v_steps)
    returning id into v_batch_id;
  end if;
  if v_batch_id is null then
    raise exception using errcode = 'EN004',
      message = format('unknown pipeline %s', quote_literal(p_pipeline)),
      hint = 'See enrich.pipelines (built-ins: company, company_and_person).';
  end if;
  return v_batch_id;
end;
$$;
comment on function enrich.open_batch(text) is
  'Creates an empty batch for a pipeline (EN004 if unknown); fill batch_items, then call '
  'start_batch in the same transaction.';
