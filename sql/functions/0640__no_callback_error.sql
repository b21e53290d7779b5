-- enrich._no_callback_error: the error of an entity whose paid call brought no callback,
-- with what to check in the Clay table.

create or replace function enrich._no_callback_error(p_timeout interval, p_resends integer)
returns text
language sql immutable set search_path = '' as $$
  select format('no_callback: Clay accepted the row (a paid call) but no result came within %s'
                || case when p_resends > 0 then format(' after %s paid re-send(s)', p_resends) else '' end
                || '. In the Clay table check that the HTTP API column runs with no condition, '
                || 'that every token in its body is quoted, that the table is under its '
                || '50,000-row cap and does not auto-dedupe on the id column. A late callback '
                || 'still completes it; `enrich retry` sends it again (paid).',
                p_timeout)
$$;
comment on function enrich._no_callback_error(interval, integer) is
  'The error of an entity whose paid call brought no callback, with what to check in Clay.';
