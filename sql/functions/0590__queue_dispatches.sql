-- enrich._queue_dispatches: the dispatch outbox's only writer. Every claim of an entity
-- (a step, retry, refresh, an operator's set) becomes a QUEUED dispatch and wakes the workers.
-- A claim for a load in parts that waits for its --max-new-calls check (p_held) is queued
-- never due (available_at 'infinity', booked to p_batch_id) and wakes nobody: finish_loading
-- makes it due, or the load's discard takes it back (enrich._end_held_claims).

create or replace function enrich._queue_dispatches(
  p_slug text, p_entity_type text, p_entity_ids uuid[], p_cause text default 'batch',
  p_batch_id uuid default null, p_held boolean default false
) returns void
language plpgsql set search_path = '' as $$
begin
  if cardinality(p_entity_ids) > 0 then
    if p_held and p_batch_id is null then
      raise exception using errcode = 'EN003', message = 'a held dispatch needs its batch';
    end if;
    -- locked: dispatches have no per-row foreign key to their workflow (migration 0007)
    perform from enrich.workflows w where w.slug = p_slug for key share;
    if not found then
      raise exception using errcode = 'EN001',
        message = format('unknown workflow %s', quote_literal(p_slug));
    end if;
    insert into enrich.dispatches (workflow_slug, entity_type, entity_id, cause, batch_id,
                                   available_at)
    select p_slug, p_entity_type, e, p_cause, p_batch_id,
           case when p_held then 'infinity'::timestamptz else now() end
    from unnest(p_entity_ids) as e
    on conflict (workflow_slug, entity_id) do nothing;
    if not p_held then
      perform pg_notify('enrich_dispatch', p_slug);  -- identical payloads fold into one per commit
    end if;
  end if;
end;
$$;
comment on function enrich._queue_dispatches(text, text, uuid[], text, uuid, boolean) is
  'Queues one dispatch per claimed entity, booked to p_cause (and p_batch_id, else the '
  'claiming item''s batch at the first claim), and wakes the workers (NOTIFY enrich_dispatch). '
  'With p_held (a load in parts waiting for its --max-new-calls check): never due '
  '(available_at ''infinity''), booked to p_batch_id, no NOTIFY.';
