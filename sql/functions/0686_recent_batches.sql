-- enrich.recent_batches: the newest batches with their progress (`enrich status` without a
-- batch, the dashboard's list).

create or replace function enrich.recent_batches(p_limit integer default 20)
returns setof jsonb
language sql stable set search_path = '' as $$
  select p.progress
  from enrich._batches_progress(array(select b.id from enrich.batches b
                                      order by b.created_at desc, b.id desc limit p_limit)) p
$$;
comment on function enrich.recent_batches(integer) is
  'The p_limit newest batches, newest first, each as enrich.batch_status shows it.';
