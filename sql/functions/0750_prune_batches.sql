-- enrich.prune_batches: `enrich prune`. Delete finished batches older than a cutoff with
-- their items and item states; entities and their results stay for other batches to reuse.

create or replace function enrich.prune_batches(p_older_than interval)
returns table (batches bigint, callbacks bigint)
language plpgsql set search_path = '' as $$
declare
  v_batch_ids uuid[];
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception using errcode = 'EN003', message = 'prune needs a non-negative age';
  end if;
  v_batch_ids := array(select b.id from enrich.batches b
                        where b.status = 'COMPLETED' and b.completed_at < now() - p_older_than);
  batches := enrich._delete_batches(v_batch_ids);
  with gone as (
    delete from enrich.callback_log c where c.received_at < now() - p_older_than
    returning c.id)
  select count(*) into callbacks from gone;
  return next;
end;
$$;
comment on function enrich.prune_batches(interval) is
  'Deletes COMPLETED batches finished longer ago than p_older_than with their items and '
  'workflow states and callback log entries as old; companies, people, their workflow '
  'states and results are kept. Returns the counts.';
