-- enrich.batch_status: progress of one batch per step, for `enrich status` and any caller.

create or replace function enrich.batch_status(p_batch_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select p.progress || jsonb_build_object('identity', enrich.identity_stats(p_batch_id))
  from enrich._batches_progress(array[p_batch_id]) p
$$;
comment on function enrich.batch_status(uuid) is
  'One batch''s progress as JSON (enrich._batches_progress): status, done, item counts, '
  'per-step counts by status, the most common failure reasons, paid calls booked to it (the '
  'ledger), calls saved by dedupe and reuse, why its workflows'' work waits if it does, and '
  'identity: its merges and rows served by a second identifier (enrich.identity_stats). '
  'NULL if unknown. Costs the same for ten rows and ten million.';
