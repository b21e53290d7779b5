-- enrich.pause_workflow: pause or resume a workflow (`enrich workflow pause` / `resume`):
-- while paused nothing is claimed; callbacks are still received.

create or replace function enrich.pause_workflow(p_slug text, p_paused boolean default true)
returns jsonb
language plpgsql set search_path = '' as $$
begin
  update enrich.workflows w
     set paused_at = case when p_paused then coalesce(w.paused_at, now()) end, updated_at = now()
   where w.slug = p_slug;
  if not found then
    raise exception using errcode = 'EN001',
      message = format('unknown workflow %s', quote_literal(p_slug));
  end if;
  if not p_paused then
    perform pg_notify('enrich_dispatch', p_slug);  -- workers look for its work at once
  end if;
  return enrich.describe_workflow(p_slug);
end;
$$;
comment on function enrich.pause_workflow(text, boolean) is
  'Pauses a workflow (p_paused) or resumes it: while paused nothing is claimed (in-flight '
  'POSTs finish, callbacks are still received). Returns describe_workflow().';
