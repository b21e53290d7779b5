-- enrich.batch_summary: a batch's rows and its distinct companies and people (`enrich run`'s
-- summary, `enrich demo`).

create or replace function enrich.batch_summary(p_batch_id uuid)
returns table (
  id uuid, pipeline text, status text, rows integer, created_at timestamptz,
  completed_at timestamptz, companies bigint, people bigint
)
language sql stable set search_path = '' as $$
  select b.id, b.pipeline, b.status, b.item_count, b.created_at, b.completed_at,
         count(distinct i.company_id), count(distinct i.person_id)
  from enrich.batches b left join enrich.batch_items i on i.batch_id = b.id
  where b.id = p_batch_id
  group by b.id
$$;
comment on function enrich.batch_summary(uuid) is
  'A batch''s pipeline, status, rows and distinct companies and people; no row if unknown.';
