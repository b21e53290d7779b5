-- enrich.release_dispatches: graceful shutdown. A worker hands back the dispatches it leased
-- but never began to post: no attempt spent, nothing paid.

create or replace function enrich.release_dispatches(p_worker text, p_dispatch_ids bigint[] default null)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_ids bigint[];
begin
  v_ids := array(select d.id from enrich.dispatches d
                  where d.status = 'LEASED' and d.leased_by = p_worker
                    and (p_dispatch_ids is null or d.id = any(p_dispatch_ids))
                  order by d.id for update);
  perform enrich._return_reservations(v_ids);
  update enrich.dispatches d
     set status = 'QUEUED', available_at = now(), leased_by = null, leased_until = null,
         attempt = greatest(d.attempt - 1, 0), updated_at = now()
   where d.id = any(v_ids);
  return cardinality(v_ids);
end;
$$;
comment on function enrich.release_dispatches(text, bigint[]) is
  'Puts the worker''s leased dispatches (all, or the given ids) back in the queue, due now, '
  'giving back the attempt, the paid call and the webhook submission the claim reserved. '
  'Only for rows whose POST never began. Returns how many.';
