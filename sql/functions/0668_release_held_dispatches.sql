-- enrich.release_held_dispatches: the way out doctor gives for claims held for a load in
-- parts that is no longer LOADING (held_dispatch_after_load), which nothing else releases.

create or replace function enrich.release_held_dispatches(p_batch_id uuid) returns bigint
language plpgsql set search_path = '' as $$
begin
  perform from enrich.batches b where b.id = p_batch_id for update;
  if found then
    if (select b.status from enrich.batches b where b.id = p_batch_id) = 'LOADING' then
      raise exception using errcode = 'EN005',
        message = format('batch %s is still LOADING: finish_loading or discard_loading_batch '
                         'ends its held claims', p_batch_id);
    end if;
    -- its items wait on them: they come due
    return enrich._end_held_claims(p_batch_id, true);
  end if;
  -- the batch is gone: taken back, unless another batch's items wait on them
  return enrich._end_held_claims(p_batch_id, false);
end;
$$;
comment on function enrich.release_held_dispatches(uuid) is
  'Claims held for a load in parts (available_at ''infinity'') whose batch is no longer '
  'LOADING: due at once if the batch exists (its items wait on them), else taken back '
  'unless another batch''s items wait on them (enrich._end_held_claims). Returns how many; '
  'EN005 for a LOADING batch (finish_loading or discard_loading_batch ends those).';
