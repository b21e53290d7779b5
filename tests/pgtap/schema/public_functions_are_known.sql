begin;
select plan(2);

select functions_are('enrich', array[
  'company_key', 'create_batch', 'start_batch', 'receive_result', 'receive_results',
  'registrable_domain',
  'normalize_email', 'normalize_linkedin_url', 'normalize_linkedin_company_url',
  'normalize_linkedin_sales_url', 'normalize_company_name', 'person_key',
  'get_company_id_for_item', 'get_person_id_for_item', 'get_company_data', 'get_person_data',
  'get_company_workflow_status', 'set_company_workflow_status', 'record_company_result',
  'get_person_workflow_status', 'set_person_workflow_status', 'record_person_result',
  'claim_dispatches', 'mark_dispatch_sent', 'retry_dispatch', 'fail_dispatch', 'reap_dispatches',
  'set_workflow', 'describe_workflow', 'open_batch', 'release_dispatches', 'batch_status', 'export_batch',
  'check_invariants', 'retry_failed', 'refresh_entities', 'workflow_stats', 'set_pipeline',
  'prune_batches', 'finish_loading', 'discard_loading_batch', 'release_held_dispatches', 'dispatch_wait_reasons',
  'pause_workflow', 'delete_workflow', 'column_aliases_map', 'batch_step_counts', 'batch_summary', 'batch_company_results',
  'batch_savings', 'export_columns', 'set_batch_columns', 'set_batch_source', 'heartbeat', 'sign_off', 'live_processes', 'worker_heartbeat', 'worker_sign_off', 'server_settings_advice', 'receive_callback', 'set_callback_secret', 'stalled_work', 'recent_batches', 'find_batches', 'movable_dispatches', 'list_pipelines',
  'list_workflows', 'set_workspace', 'list_workspaces', 'estimate_batch_calls', 'spend_by_day', 'fold_batch_counts', 'perform_queued_merges', 'identity_stats', 'identity_notices', 'export_csv_query',
  'dispatch_counts', 'failure_examples', 'workflows_overview',
  'lookup_entity', 'list_merges',
  -- internal helpers (leading underscore)
  '_clean_text', '_lower', '_percent_decode', '_url_host', '_host_of_cleaned',
  '_email_of_cleaned', '_is_free_mail_domain', '_is_role_mailbox', '_is_platform_domain',
  '_company_key', '_punycode', '_punycode_digit',
  '_idna_host', '_idna_email', '_canonical_entity_keys', '_canonicalise_entity_keys', '_merge_entity',
  '_merge_survivor', '_link_identities', '_follow_redirects', '_link_stored_identities', '_learn_identifiers', '_live_entity_id',
  '_company_key_of', '_queue_recounts',
  '_company_key_error', '_person_key', '_enter_step', '_step_normalize_and_split',
  '_step_enter_entity_workflow', '_refresh_batch_status', '_advance_items', '_settle_entity',
  '_record_result', '_receive_results', '_queue_dispatches', '_set_entity_workflow_status', '_retry_or_fail',
  '_requeue_dispatch', '_workflow_entity_type', '_entity_tables', '_registrable_domains', 'webhook_warnings',
  '_workflow_states_after_update', '_uuid_v7',
  '_workflows_after_delete', '_workflows_after_truncate', '_workflows_before_slug_change',
  '_refuse_deleting_used_workflows', '_lock_step_workflows', '_delete_batches',
  '_live_loaders', '_refuse_live_load', '_end_held_claims',
  '_refuse_outside_read_committed', '_utc_today', '_credits_spent', '_calls_spent',
  '_calls_left_today', '_column_field', '_column_key', '_mark_sent', '_row_cells', '_claiming_batch', '_return_reservations', '_no_callback_error',
  '_state_error', '_count_states', '_count_batch_entities', '_batches_progress',
  '_spreadsheet_safe', '_compact_json', '_csv_cell']);

select is(
  (select coalesce(array_agg(p.proname::text order by p.proname), '{}')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    join pg_language l on l.oid = p.prolang
    where n.nspname = 'enrich'
      and not exists (select from unnest(p.proconfig) c where c like 'search_path=%')
      and p.provolatile <> 'i'
      -- a column default (migration 0006): must inline, so every name in it is qualified
      and p.proname <> '_uuid_v7'),
  '{}'::text[],
  'every function pins its search_path, except immutable pure ones (kept inlinable)');

select * from finish();
rollback;
