-- enrich._queue_dispatches: the dispatch outbox's only writer. Every claim of an entity
-- (a step, retry, refresh, an operator's set) becomes a QUEUED dispatch and wakes the workers.

create or replace function enrich._queue_dispatches(
  p_slug text, p_entity_type text, p_entity_ids uuid[], p_cause text default 'batch',
  p_batch_id uuid default null
) returns void
language plpgsql set search_path = '' as $$
begin
  if cardinality(p_entity_ids) > 0 then
    -- locked: dispatches have no per-row foreign key to their workflow (migration 0007)
    perform from enrich.workflows w where w.slug = p_slug for key share;
    if not found then
      raise exception using errcode = 'EN001',
        message = format('unknown workflow %s', quote_literal(p_slug));
    end if;
    insert into enrich.dispatches (workflow_slug, entity_type, entity_id, cause, batch_id)
    select p_slug, p_entity_type, e, p_cause, p_batch_id from unnest(p_entity_ids) as e
    on conflict (workflow_slug, entity_id) do nothing;
    perform pg_notify('enrich_dispatch', p_slug);  -- identical payloads fold into one per commit
  end if;
end;
$$;
comment on function enrich._queue_dispatches(text, text, uuid[], text, uuid) is
  'Queues one dispatch per claimed entity, booked to p_cause (and p_batch_id, else the '
  'claiming item''s batch at the first claim), and wakes the workers (NOTIFY enrich_dispatch).';
