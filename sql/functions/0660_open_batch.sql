-- enrich.open_batch: an empty batch for `enrich load`, which COPYs items into it and then
-- calls start_batch (the same SQL path as create_batch).

create or replace function enrich.open_batch(p_pipeline text) returns uuid
language plpgsql set search_path = '' as $$
declare
  v_batch_id uuid;
begin
  insert into enrich.batches (pipeline, steps)
  select p.name, p.steps from enrich.pipelines p where p.name = p_pipeline
  returning id into v_batch_id;
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
