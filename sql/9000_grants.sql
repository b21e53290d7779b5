-- Least privilege (roles from migration 0004). Re-applied on every migrate, after every
-- function, so a new function is covered at once.
--
-- Nobody but the owner writes a table: every change goes through a function. The functions
-- a role may call run as their owner (SECURITY DEFINER, each with search_path = '' and
-- every name schema-qualified, so a caller cannot slip in objects of its own). The pure
-- normalisation helpers stay as invoker (inlinable) and only read the reference tables.

do $$
declare
  v_function regprocedure;
begin
  for v_function in
    select p.oid::regprocedure
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'enrich' and p.prokind = 'f'
      -- _receive_results: receive_results' previous name, granted like it for one release
      and (p.proname !~ '^_' or p.proname = '_receive_results')
      and p.proname not in ('company_key', 'normalize_email', 'normalize_linkedin_url',
                            'normalize_linkedin_company_url', 'normalize_linkedin_sales_url',
                            'normalize_company_name', 'person_key', 'registrable_domain')
  loop
    execute format('alter function %s security definer', v_function);
  end loop;
end;
$$;

revoke all on schema enrich from public;
revoke all on all tables in schema enrich from public;
revoke all on all sequences in schema enrich from public;
revoke all on all functions in schema enrich from public;
-- The four roles, named with this installation's prefix (enrich.installation, set by the
-- first migrate from ENRICH_ROLE_PREFIX; none by default), created when missing (that needs
-- CREATEROLE; or an administrator creates them first).
do $grants$
declare
  v_prefix   text := coalesce((select i.role_prefix from enrich.installation i), '');
  v_worker   text := v_prefix || 'enrich_worker';
  v_receiver text := v_prefix || 'enrich_receiver';
  v_admin    text := v_prefix || 'enrich_admin';
  v_viewer   text := v_prefix || 'enrich_viewer';
  v_role     text;
begin
  foreach v_role in array array[v_worker, v_receiver, v_admin, v_viewer] loop
    if not exists (select from pg_catalog.pg_roles r where r.rolname = v_role) then
      execute format('create role %I nologin', v_role);
    end if;
  end loop;
  -- exactly what is listed below, on every migrate: a grant dropped from this file (or made
  -- by hand) does not linger
  execute format('revoke all on all functions in schema enrich from %I, %I, %I, %I',
                 v_worker, v_receiver, v_admin, v_viewer);
  execute format('revoke all on all tables in schema enrich from %I, %I, %I, %I',
                 v_worker, v_receiver, v_admin, v_viewer);
  execute format('grant usage on schema enrich to %I, %I, %I, %I',
                 v_worker, v_receiver, v_admin, v_viewer);

  -- workers: lease, report and reap dispatches; say they are alive
  execute format($sql$grant execute on function
    enrich.claim_dispatches(text, integer, interval, boolean, text),
    enrich.claim_dispatches(text, integer, interval, boolean, bigint[]),
    enrich.mark_dispatch_sent(bigint, text),
    enrich.mark_dispatch_sent(bigint[], text, text),
    enrich.retry_dispatch(bigint, text, interval, text, boolean),
    enrich.fail_dispatch(bigint, text, text),
    enrich.release_dispatches(text, bigint[]),
    enrich.reap_dispatches(integer),
    enrich.fold_batch_counts(),
    enrich.perform_queued_merges(integer),
    enrich.webhook_warnings(),
    enrich.worker_heartbeat(text, text, integer, text, interval),
    enrich.worker_sign_off(text)
    to %I$sql$, v_worker);

  -- receivers: record callbacks, nothing else (_receive_results: receive_results' previous
  -- name, for receivers of the previous release during a rolling deploy)
  execute format($sql$grant execute on function
    enrich.receive_result(text, jsonb),
    enrich.receive_results(text, jsonb[]),
    enrich._receive_results(text, jsonb[])
    to %I$sql$, v_receiver);

  -- viewers (the dashboard's pages): what status, export, lookup, workflows and spend read;
  -- an export's COPY reads the items, their steps and results itself, through the cell helpers
  execute format($sql$grant execute on function
    enrich.recent_batches(integer),
    enrich.find_batches(text, text, text, timestamptz, timestamptz, jsonb, integer),
    enrich.batch_status(uuid),
    enrich.failure_examples(uuid, text, text, integer),
    enrich.lookup_entity(text, integer),
    enrich.list_merges(uuid, integer),
    enrich.identity_stats(uuid),
    enrich.workflows_overview(),
    enrich.list_pipelines(),
    enrich.list_workspaces(),
    enrich.dispatch_wait_reasons(),
    enrich.dispatch_counts(),
    enrich.spend_by_day(date),
    enrich.workflow_stats(timestamptz),
    enrich.live_processes(),
    enrich.export_batch(uuid),
    enrich.export_columns(uuid),
    enrich.export_csv_query(uuid, jsonb, boolean),
    enrich._csv_cell(text, jsonb, boolean),
    enrich._compact_json(jsonb),
    enrich._spreadsheet_safe(text)
    to %I$sql$, v_viewer);
  execute format('grant select on enrich.batch_items, enrich.workflow_states,
    enrich.company_enrichment_results, enrich.person_enrichment_results,
    enrich.company_identifiers, enrich.person_identifiers to %I', v_viewer);

  -- the admin CLI: every function, and reading every table (status, export, stats)
  execute format('grant execute on all functions in schema enrich to %I', v_admin);
  execute format('grant select on all tables in schema enrich to %I', v_admin);
  -- the loader COPYs a file's rows straight into batch_items (a function call per row would
  -- cost more than the load itself); enrich.start_batch then runs them, as for any batch
  execute format('grant insert (batch_id, row_number, data) on enrich.batch_items to %I',
                 v_admin);
  -- `enrich db status` and `enrich doctor` read which migrations are applied
  if to_regclass('_yoyo_migration') is not null then
    execute format('grant select on %s to %I', to_regclass('_yoyo_migration'), v_admin);
  end if;
end;
$grants$;
