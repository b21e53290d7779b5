-- enrich._requeue_dispatch: a leased or sent dispatch goes back to QUEUED after a delay
-- (capped at a day), optionally giving back the attempt its claim counted.

create or replace function enrich._requeue_dispatch(
  p_dispatch_id bigint, p_delay interval, p_error text, p_give_back_attempt boolean
) returns void
language sql set search_path = '' as $$
  update enrich.dispatches d
     set status = 'QUEUED',
         available_at = now() + least(greatest(p_delay, interval '0'), interval '1 hour'),
         attempt = case when p_give_back_attempt then greatest(d.attempt - 1, 0) else d.attempt end,
         leased_by = null, leased_until = null, sent_at = null, callback_deadline = null,
         last_error = p_error, updated_at = now()
   where d.id = p_dispatch_id
$$;
comment on function enrich._requeue_dispatch(bigint, interval, text, boolean) is
  'Back to QUEUED, due after p_delay (0 to 1 day), optionally giving back the attempt the '
  'claim counted.';
