-- enrich.webhook_warnings: what a worker's housekeeping logs about Clay webhooks. Webhooks are
-- named by workflow and position, never by URL (a webhook URL is a credential).

create or replace function enrich.webhook_warnings()
returns table (level text, workflow_slug text, webhook_position integer, remaining integer)
language sql stable set search_path = '' as $$
  select 'nearly_full', h.workflow_slug, h.position, h.max_submissions - h.submissions
  from enrich.workflow_webhooks h
  where h.retired_at is null and h.submissions >= 0.9 * h.max_submissions
    and h.submissions < h.max_submissions
  union all
  select 'none_left', w.slug, null, 0
  from enrich.workflows w
  where exists (select from enrich.workflow_webhooks h where h.workflow_slug = w.slug)
    and not exists (select from enrich.workflow_webhooks h
                    where h.workflow_slug = w.slug and h.retired_at is null
                      and h.submissions < h.max_submissions)
    and exists (select from enrich.dispatches d
                where d.workflow_slug = w.slug and d.status = 'QUEUED')
$$;
comment on function enrich.webhook_warnings() is
  'Webhooks past 90% of their submission cap (nearly_full, with what remains) and workflows '
  'with queued work but no usable webhook left (none_left).';
