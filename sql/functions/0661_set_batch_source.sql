-- enrich.set_batch_source: the name and file delimiter of a batch (the loader's, after open_batch).

create or replace function enrich.set_batch_source(
  p_batch_id uuid, p_name text, p_delimiter text default null
) returns void
language plpgsql set search_path = '' as $$
begin
  if p_name is not null
     and (length(p_name) not between 1 and 200 or p_name ~ '[\u0001-\u001f\u007f]') then
    raise exception using errcode = 'EN003',
      message = 'a batch name is 1 to 200 characters, none of them a control character';
  end if;
  if p_delimiter is not null and p_delimiter not in (',', ';', E'\t', '|') then
    raise exception using errcode = 'EN003',
      message = format('set_batch_source: unknown delimiter %s', quote_literal(p_delimiter));
  end if;
  update enrich.batches b set name = p_name, input_delimiter = p_delimiter
   where b.id = p_batch_id;
  if not found then
    raise exception using errcode = 'EN002', message = format('unknown batch %s', p_batch_id);
  end if;
end;
$$;
comment on function enrich.set_batch_source(uuid, text, text) is
  'Names a batch (1-200 printable characters, or NULL) and records its file''s delimiter '
  '(, ; tab |, or NULL). EN003 for a bad name or delimiter, EN002 for an unknown batch.';
