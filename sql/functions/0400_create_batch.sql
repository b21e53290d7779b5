-- enrich.create_batch: insert a batch from a JSON array of row objects and run it as far as
-- SQL can (normalize, split, entity claims) in the same transaction.

create or replace function enrich.create_batch(p_pipeline text, p_rows jsonb) returns uuid
language plpgsql set search_path = '' as $$
declare
  v_batch_id uuid;
  v_bad_row  bigint;
  v_keys     text;
  v_key      text;
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

  -- a key naming an input field (its own name in any spelling, or an alias) goes under the
  -- field's name; two keys of a row stored under one name are refused: a value would be lost
  select c.ord, string_agg(quote_literal(c.k), ' and ' order by c.k), c.stored_as
    into v_bad_row, v_keys, v_key
    from enrich._row_cells(p_rows) c
   where c.k is not null
   group by c.ord, c.stored_as having count(*) > 1
   order by c.ord limit 1;
  if found then
    raise exception using errcode = 'EN003',
      message = format('create_batch: row %s has %s, which both name %s', v_bad_row, v_keys,
                       quote_literal(v_key));
  end if;

  v_batch_id := enrich.open_batch(p_pipeline);  -- EN004 for an unknown pipeline

  insert into enrich.batch_items (batch_id, row_number, data)
  select v_batch_id, c.ord,
         coalesce(jsonb_object_agg(c.stored_as, c.v) filter (where c.k is not null), '{}')
  from enrich._row_cells(p_rows) c
  group by c.ord;

  -- one column per stored key, as the caller first spelled it (in sort order), sorted
  -- (JSON objects keep no key order)
  update enrich.batches b
     set input_columns = (
           select coalesce(jsonb_agg(jsonb_build_object('heading', c.k, 'key', c.stored_as)
                                     order by c.k, c.stored_as), '[]')
           from (select distinct on (c.stored_as) c.k, c.stored_as
                 from enrich._row_cells(p_rows) c
                 where c.k is not null order by c.stored_as, c.k) c)
   where b.id = v_batch_id;

  perform enrich.start_batch(v_batch_id);
  return v_batch_id;
end;
$$;
comment on function enrich.create_batch(text, jsonb) is
  'Creates a batch from a JSON array of row objects (a key naming an input field, in any '
  'spelling or by an alias of enrich.column_aliases, goes under the field''s name; other keys '
  'are kept in data, lower-case) and runs its SQL steps and entity claims in this '
  'transaction. Returns the batch id. Errors: EN004 unknown pipeline, EN003 bad rows.';
