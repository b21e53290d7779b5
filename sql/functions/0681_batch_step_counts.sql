-- enrich.batch_step_counts: a batch's items per step and status, and how many of them were
-- served without a Clay call of their own (`enrich demo`), from the kept counts.

create or replace function enrich.batch_step_counts(p_batch_id uuid)
returns table (step text, status text, items bigint, skipped bigint)
language sql stable set search_path = '' as $$
  select c.step_name, c.status, sum(c.n)::bigint,
         coalesce(sum(c.n) filter (where c.skipped), 0)::bigint
  from enrich.batch_counts c
  join enrich.batches b on b.id = c.batch_id
  where c.batch_id = p_batch_id
  group by c.step_name, c.status, b.steps
  having sum(c.n) <> 0
  order by array_position(b.steps, c.step_name), c.status
$$;
comment on function enrich.batch_step_counts(uuid) is
  'Per step (in pipeline order) and status: a batch''s items, and those served without a '
  'Clay call of their own (meta.skipped).';
