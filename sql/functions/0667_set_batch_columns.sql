-- enrich.set_batch_columns: the loader records the columns of the file it loaded (their
-- order and spelling, and the data key each is stored under) for the export.

create or replace function enrich.set_batch_columns(p_batch_id uuid, p_columns jsonb)
returns void
language plpgsql set search_path = '' as $$
begin
  if jsonb_typeof(p_columns) is distinct from 'array' or exists (
       select from jsonb_array_elements(p_columns) c
       where jsonb_typeof(c -> 'heading') is distinct from 'string'
          or jsonb_typeof(c -> 'key') is distinct from 'string')
  then
    raise exception using errcode = 'EN003',
      message = 'set_batch_columns: p_columns must be a JSON array of '
                '{"heading": text, "key": text} objects';
  end if;
  update enrich.batches b set input_columns = p_columns where b.id = p_batch_id;
  if not found then
    raise exception using errcode = 'EN002', message = format('unknown batch %s', p_batch_id);
  end if;
end;
$$;
comment on function enrich.set_batch_columns(uuid, jsonb) is
  'Records a batch''s input columns in the file''s order ([{"heading", "key"}, ...]; see '
  'enrich.batches.input_columns). EN003 for a malformed list, EN002 for an unknown batch.';
