-- enrich.list_merges: the merges identities caused, newest first, of every batch or one
-- (`enrich merges`).

create or replace function enrich.list_merges(p_batch uuid default null, p_limit integer default 100)
returns table (id bigint, entity_type text, survivor_id uuid, loser_id uuid, linked_by text,
               batch_id uuid, cause text, merged_at timestamptz)
language plpgsql stable set search_path = '' as $$
-- Two queries, each with its own plan: newest first is a backward scan of the primary key
-- (ids grow with time), one batch's merges a probe of its index.
begin
  if p_batch is null then
    return query
      select m.id, m.entity_type, m.survivor_id, m.loser_id, m.linked_by, m.batch_id, m.cause,
             m.merged_at
      from enrich.entity_merges m
      order by m.id desc
      limit case when p_limit < 0 then 0 else p_limit end;
  else
    return query
      select m.id, m.entity_type, m.survivor_id, m.loser_id, m.linked_by, m.batch_id, m.cause,
             m.merged_at
      from enrich.entity_merges m
      where m.batch_id = p_batch
      order by m.id desc
      limit case when p_limit < 0 then 0 else p_limit end;
  end if;
end;
$$;
comment on function enrich.list_merges(uuid, integer) is
  'Merges of two entities found to be one (enrich.entity_merges), newest first: the survivor, '
  'the loser (its id now redirects to the survivor), the identifier that linked them '
  '(kind:value), the batch whose rows linked them and the cause (batch, result, upgrade). '
  'Only the merges a batch caused when p_batch is given; at most p_limit (NULL: all).';
