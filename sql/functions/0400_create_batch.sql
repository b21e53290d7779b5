-- enrich.create_batch: insert a batch from a JSON array of row objects and run it as far as
-- SQL can (normalize, split, entity claims) in the same transaction.

create or replace function enrich.create_batch(p_pipeline text, p_rows jsonb) returns uuid
language plpgsql set search_path = '' as $$
declare
  v_batch_id uuid;
  v_bad_row  bigint;
begin
  if jsonb_typeof(p_rows) is distinct from 'array' then
    raise exception using errcode = 'EN003',
      message = 'create_batch: p_rows must be a JSON array of row objects';
  end if;
  select ord into v_bad_row from jsonb_array_elements(p_rows) with ordinality as r(row_value, ord)
   where jsonb_typeof(row_value) <> 'object' limit 1;
  if found then
    raise exception using errcode = 'EN003',
      message = format('create_batch: row %s is not a JSON object', v_bad_row);
  end if;

  v_batch_id := enrich.open_batch(p_pipeline);  -- EN004 for an unknown pipeline

  insert into enrich.batch_items (batch_id, row_number, data)
  select v_batch_id, r.ord,
         coalesce((select jsonb_object_agg(lower(btrim(k)), v) from jsonb_each(r.row_value) as e(k, v)),
                  '{}')
  from jsonb_array_elements(p_rows) with ordinality as r(row_value, ord);

  perform enrich.start_batch(v_batch_id);
  return v_batch_id;
end;
$$;
comment on function enrich.create_batch(text, jsonb) is
  'Creates a batch from a JSON array of row objects (keys matched case-insensitively, stored '
  'lower-case; unknown keys kept in data) and runs its SQL steps and entity claims in this '
  'transaction. Returns the batch id. Errors: EN004 unknown pipeline, EN003 bad rows.';
