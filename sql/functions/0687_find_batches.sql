-- enrich.find_batches: a page of batches, newest first, filtered: what `enrich batches` and
-- the dashboard's batch list show. Paged by the last batch shown (created_at, id), so a page
-- costs the same however deep it is.

create or replace function enrich.find_batches(
  p_status     text default null,         -- LOADING, IN_PROGRESS, COMPLETED, or failed (some row FAILED)
  p_pipeline   text default null,
  p_search     text default null,         -- part of the name, or the start of the id
  p_since      timestamptz default null,  -- created at or after
  p_until      timestamptz default null,  -- created before
  p_after      jsonb default null,        -- the last batch of the previous page: {"created_at", "batch_id"}
  p_limit      integer default 50
) returns setof jsonb
language plpgsql stable set search_path = '' as $$
declare
  v_after_at timestamptz;
  v_after_id uuid;
  v_like     text;
begin
  if p_status is not null and p_status not in ('LOADING', 'IN_PROGRESS', 'COMPLETED', 'failed') then
    raise exception using errcode = 'EN003',
      message = format('find_batches: status %s is none of LOADING, IN_PROGRESS, COMPLETED, failed',
                       quote_literal(p_status));
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'EN003', message = 'find_batches: p_limit is 1 to 1000';
  end if;
  begin
    v_after_at := (p_after ->> 'created_at')::timestamptz;
    v_after_id := (p_after ->> 'batch_id')::uuid;
  exception when others then
    raise exception using errcode = 'EN003',
      message = 'find_batches: p_after is {"created_at": timestamp, "batch_id": uuid}';
  end;
  if (v_after_at is null) <> (v_after_id is null) then
    raise exception using errcode = 'EN003',
      message = 'find_batches: p_after is {"created_at": timestamp, "batch_id": uuid}';
  end if;
  -- a search is text, never a pattern: LIKE's own characters match themselves
  v_like := replace(replace(replace(nullif(btrim(p_search), ''), '\', '\\'), '%', '\%'), '_', '\_');
  return query
  select p.progress
  from enrich._batches_progress(array(
         select b.id from enrich.batches b
         where (p_status is null or b.status = p_status
                or (p_status = 'failed' and exists (
                      select from enrich.batch_counts c
                      where c.batch_id = b.id and c.status = 'FAILED'
                      group by c.batch_id having sum(c.n) > 0)))
           and (p_pipeline is null or b.pipeline = p_pipeline)
           and (v_like is null or b.name ilike '%' || v_like || '%'
                or b.id::text like lower(v_like) || '%')
           and (p_since is null or b.created_at >= p_since)
           and (p_until is null or b.created_at < p_until)
           and (v_after_at is null or (b.created_at, b.id) < (v_after_at, v_after_id))
         order by b.created_at desc, b.id desc
         limit p_limit)) p;
end;
$$;
comment on function enrich.find_batches(text, text, text, timestamptz, timestamptz, jsonb, integer) is
  'A page of batches (at most p_limit, 1-1000), newest first, each as enrich.batch_status '
  'shows it: filtered by status (LOADING, IN_PROGRESS, COMPLETED, or failed: some row '
  'FAILED), pipeline, a search (part of the name, case-insensitive, or the start of the id) '
  'and creation time; p_after: the previous page''s last batch ({"created_at", "batch_id"}). '
  'EN003 for a bad argument.';
