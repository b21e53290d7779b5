-- enrich.mark_dispatch_sent: the POST was accepted (2xx); the callback deadline starts.

create or replace function enrich.mark_dispatch_sent(p_dispatch_id bigint, p_worker text)
returns boolean
language plpgsql set search_path = '' as $$
begin
  update enrich.dispatches d
     set status = 'SENT', sent_at = now(), callback_deadline = now() + w.timeout,
         leased_by = null, leased_until = null, last_error = null, updated_at = now()
    from enrich.workflows w
   where d.id = p_dispatch_id and d.status = 'LEASED' and d.leased_by = p_worker
     and w.slug = d.workflow_slug;
  return found;
end;
$$;
comment on function enrich.mark_dispatch_sent(bigint, text) is
  'LEASED -> SENT with callback_deadline = now() + workflow timeout. False when the worker no '
  'longer holds the lease (e.g. the callback already completed the entity): nothing changes.';

-- The same for many dispatches (an overload): a worker records together the POSTs that
-- finished together, in the transaction that also claims its next dispatches.
create or replace function enrich.mark_dispatch_sent(p_dispatch_ids bigint[], p_worker text)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_marked integer;
begin
  update enrich.dispatches d
     set status = 'SENT', sent_at = now(), callback_deadline = now() + w.timeout,
         leased_by = null, leased_until = null, last_error = null, updated_at = now()
    from enrich.workflows w
   where d.id = any(p_dispatch_ids) and d.status = 'LEASED' and d.leased_by = p_worker
     and w.slug = d.workflow_slug;
  get diagnostics v_marked = row_count;
  return v_marked;
end;
$$;
comment on function enrich.mark_dispatch_sent(bigint[], text) is
  'mark_dispatch_sent for many dispatches in one statement. Returns how many were still '
  'leased to p_worker and are now SENT; the others (lease lost, entity already completed) '
  'are left alone.';
