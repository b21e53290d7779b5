-- enrich.recent_batches: the newest batches with their progress (`enrich status` without a
-- batch).

create or replace function enrich.recent_batches(p_limit integer default 20)
returns setof jsonb
language sql stable set search_path = '' as $$
  select enrich.batch_status(b.id) from enrich.batches b
  order by b.created_at desc limit p_limit
$$;
comment on function enrich.recent_batches(integer) is
  'batch_status() of the p_limit newest batches, newest first.';
