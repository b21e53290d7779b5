-- enrich.identity_stats: what knowing entities by every identifier saved and cost, for
-- `enrich stats` and `enrich status` (one batch, or all): merges, rows served by a second
-- identifier (calls the one-key rule would have paid), and calls paid twice because two
-- entities were linked after both had been paid for.

create or replace function enrich.identity_stats(p_batch_id uuid default null) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'merges', (select count(*) from enrich.entity_merges m
                where p_batch_id is null or m.batch_id = p_batch_id),
    'calls_paid_twice_linked_late',
      (select coalesce(sum(m.calls_paid_twice), 0) from enrich.entity_merges m
        where p_batch_id is null or m.batch_id = p_batch_id),
    'rows_by_second_identifier',
      (select coalesce(sum(k.rows_by_second_identifier), 0) from enrich.batch_identity_counts k
        where p_batch_id is null or k.batch_id = p_batch_id))
$$;
comment on function enrich.identity_stats(uuid) is
  'Merges, rows served by a second identifier (calls the one-key rule would have paid) and '
  'calls paid twice because a link came late: of one batch (the merges its rows caused), '
  'or of all when NULL.';
