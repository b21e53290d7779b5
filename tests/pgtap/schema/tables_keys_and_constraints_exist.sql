begin;
select plan(39);

select has_schema('enrich');
select tables_are('enrich', array[
  'workflows', 'workflow_webhooks', 'pipelines', 'batches', 'batch_items', 'workflow_states',
  'normalized_companies', 'normalized_people', 'company_workflow_states',
  'company_enrichment_results', 'person_workflow_states', 'person_enrichment_results',
  'dispatches', 'callback_log', 'public_suffix_rules', 'free_email_domains',
  'loading_batch_parts', 'workspaces', 'paid_calls', 'column_aliases', 'processes', 'callback_secrets', 'installation', 'batch_counts', 'item_completions',
  'company_identifiers', 'person_identifiers', 'company_names', 'entity_merges',
  'entity_redirects', 'identity_backfill', 'queued_merges',
  'batch_identity_counts', 'queued_recounts']);

-- the seed plan's four entity tables, with its columns
select columns_are('enrich', 'company_workflow_states', array[
  'id', 'company_id', 'workflow_slug', 'status', 'meta', 'created_at', 'updated_at',
  'attempts', 'last_error', 'started_at', 'completed_at', 'failed_at', 'paid_calls']);
select columns_are('enrich', 'person_workflow_states', array[
  'id', 'person_id', 'workflow_slug', 'status', 'meta', 'created_at', 'updated_at',
  'attempts', 'last_error', 'started_at', 'completed_at', 'failed_at', 'paid_calls']);
select columns_are('enrich', 'company_enrichment_results',
  array['id', 'company_id', 'workflow_slug', 'data', 'created_at']);
select columns_are('enrich', 'person_enrichment_results',
  array['id', 'person_id', 'workflow_slug', 'data', 'created_at']);

select col_is_pk('enrich', 'company_workflow_states', 'id', 'company_workflow_states.id is the primary key');
select col_is_pk('enrich', 'person_workflow_states', 'id', 'person_workflow_states.id is the primary key');
select col_is_pk('enrich', 'company_enrichment_results', 'id', 'company_enrichment_results.id is the primary key');
select col_is_pk('enrich', 'person_enrichment_results', 'id', 'person_enrichment_results.id is the primary key');
select col_is_pk('enrich', 'batches', 'id', 'batches.id is the primary key');
select col_is_pk('enrich', 'batch_items', 'id', 'batch_items.id is the primary key');
select col_is_pk('enrich', 'workflows', 'slug', 'workflows.slug is the primary key');
select col_is_pk('enrich', 'pipelines', 'name', 'pipelines.name is the primary key');

select col_is_unique('enrich', 'company_workflow_states', array['company_id', 'workflow_slug']);
select col_is_unique('enrich', 'person_workflow_states', array['person_id', 'workflow_slug']);
select col_is_unique('enrich', 'normalized_companies', array['domain']);
select col_is_pk('enrich', 'person_identifiers', array['value', 'kind']::name[], 'an identifier names one person');
select col_is_pk('enrich', 'workflow_states', array['item_id', 'step_name'],
  'an item step is keyed by its item and step (migration 0005)');

select fk_ok('enrich', 'company_workflow_states', 'company_id', 'enrich', 'normalized_companies', 'id');
select fk_ok('enrich', 'company_enrichment_results', 'company_id', 'enrich', 'normalized_companies', 'id');
select fk_ok('enrich', 'person_workflow_states', 'person_id', 'enrich', 'normalized_people', 'id');
select fk_ok('enrich', 'person_enrichment_results', 'person_id', 'enrich', 'normalized_people', 'id');
-- bulk-path links without a per-row foreign key check (migrations 0003 and 0005; doctor
-- checks them)
select col_isnt_fk('enrich', 'batch_items', 'batch_id');
select col_isnt_fk('enrich', 'workflow_states', 'item_id');
select col_isnt_fk('enrich', 'batch_items', 'company_id');
select col_isnt_fk('enrich', 'batch_items', 'person_id');
select col_isnt_fk('enrich', 'normalized_people', 'batch_item_id');
select col_isnt_fk('enrich', 'normalized_people', 'company_id');
-- (migration 0007; writers lock the workflow once, a trigger deletes them with it)
select col_isnt_fk('enrich', 'company_workflow_states', 'workflow_slug');
select col_isnt_fk('enrich', 'person_workflow_states', 'workflow_slug');
select col_isnt_fk('enrich', 'dispatches', 'workflow_slug');

-- (migration 0009) the seed plan's lookup indexes repeated the unique constraints, and
-- nothing reads entity states by status alone: claims and callbacks write two indexes, not four
select hasnt_index('enrich', 'company_workflow_states', 'idx_company_workflow_states_lookup');
select hasnt_index('enrich', 'company_workflow_states', 'idx_company_workflow_states_status');
select hasnt_index('enrich', 'person_workflow_states', 'idx_person_workflow_states_lookup');
select hasnt_index('enrich', 'person_workflow_states', 'idx_person_workflow_states_status');

select is(
  (select array_agg(confdeltype::text order by conname) from pg_constraint
    where contype = 'f' and conrelid in ('enrich.company_workflow_states'::regclass,
      'enrich.company_enrichment_results'::regclass, 'enrich.person_workflow_states'::regclass,
      'enrich.person_enrichment_results'::regclass)
      and confrelid in ('enrich.normalized_companies'::regclass, 'enrich.normalized_people'::regclass)),
  array['c', 'c', 'c', 'c'],
  'entity tables cascade on delete of their company / person');

select is(
  (select array_agg(conname::text order by conname) from pg_constraint
    where conrelid = 'enrich.workflow_states'::regclass and contype = 'c'),
  array['completed_at_matches_status', 'failed_at_matches_status', 'meta_is_object', 'status_is_valid'],
  'workflow_states has named CHECK constraints');

select throws_ok(
  $$insert into enrich.company_workflow_states (company_id, workflow_slug, status)
    values (gen_random_uuid(), 'enrich_company_via_waterfall_in_clay', 'DONE')$$,
  '23514', null, 'an unknown status is refused by status_is_valid');

select * from finish();
rollback;
