-- enrich.batch_summary: a batch's rows and its distinct companies and people (`enrich run`'s
-- summary, `enrich demo`).

create or replace function enrich.batch_summary(p_batch_id uuid)
returns table (
  id uuid, pipeline text, status text, rows integer, created_at timestamptz,
  completed_at timestamptz, companies bigint, people bigint
)
language sql stable set search_path = '' as $$
  select b.id, b.pipeline, b.status, b.item_count, b.created_at, b.completed_at,
         b.companies, b.people
  from enrich.batches b
  where b.id = p_batch_id
$$;
comment on function enrich.batch_summary(uuid) is
  'A batch''s pipeline, status, rows and distinct companies and people (counted when its '
  'load ended; NULL while it loads); no row if unknown.';
