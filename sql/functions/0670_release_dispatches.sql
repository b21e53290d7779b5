-- enrich.release_dispatches: graceful shutdown. A worker hands back the dispatches it leased
-- but never posted, without spending an attempt.

create or replace function enrich.release_dispatches(p_worker text, p_dispatch_ids bigint[] default null)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_released integer;
begin
  update enrich.dispatches d
     set status = 'QUEUED', available_at = now(), leased_by = null, leased_until = null,
         attempt = greatest(d.attempt - 1, 0), updated_at = now()
   where d.status = 'LEASED' and d.leased_by = p_worker
     and (p_dispatch_ids is null or d.id = any(p_dispatch_ids));
  get diagnostics v_released = row_count;
  return v_released;
end;
$$;
comment on function enrich.release_dispatches(text, bigint[]) is
  'Puts the worker''s leased dispatches (all, or the given ids) back in the queue, due now, '
  'giving back the attempt the claim counted. Returns how many.';
