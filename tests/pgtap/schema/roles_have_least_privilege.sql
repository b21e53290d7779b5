begin;
select plan(28);

select has_role('enrich_worker');
select has_role('enrich_receiver');
select has_role('enrich_admin');
select has_role('enrich_viewer');

-- functions: each role exactly what it needs
select function_privs_are('enrich', 'claim_dispatches', array['text', 'integer', 'interval', 'boolean', 'bigint[]'],
  'enrich_worker', array['EXECUTE'], 'workers lease and report dispatches');
select function_privs_are('enrich', 'receive_result', array['text', 'jsonb'],
  'enrich_worker', '{}'::text[], 'workers cannot record results');
select function_privs_are('enrich', 'receive_result', array['text', 'jsonb'],
  'enrich_receiver', array['EXECUTE'], 'receivers record results');
select function_privs_are('enrich', 'receive_results', array['text', 'jsonb[]'],
  'enrich_receiver', array['EXECUTE'], 'receivers record many results at once');
select function_privs_are('enrich', 'receive_results', array['text', 'jsonb[]'],
  'enrich_worker', '{}'::text[], 'workers cannot record many results either');
select is_empty($$
  select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname = 'enrich' and p.proname in ('receive_result', 'receive_results', '_receive_results')
    and not p.prosecdef
$$, 'the functions receivers call run as their owner (receivers touch no table)');
select function_privs_are('enrich', 'create_batch', array['text', 'jsonb'],
  'enrich_receiver', '{}'::text[], 'receivers cannot create batches');
select function_privs_are('enrich', 'create_batch', array['text', 'jsonb'],
  'public', '{}'::text[], 'PUBLIC executes nothing');
select function_privs_are('enrich', 'prune_batches', array['interval'],
  'enrich_admin', array['EXECUTE'], 'the admin runs every command');

-- tables: nobody but the owner writes; the admin reads
select table_privs_are('enrich', 'dispatches', 'enrich_worker', '{}'::text[], 'workers touch no table');
select table_privs_are('enrich', 'batch_items', 'enrich_receiver', '{}'::text[], 'receivers touch no table');
select table_privs_are('enrich', 'batch_items', 'enrich_admin', array['SELECT'], 'the admin only reads');
select table_privs_are('enrich', 'workflow_states', 'public', '{}'::text[], 'PUBLIC touches no table');

select is_empty($$
  select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname = 'enrich' and p.prosecdef
    and not coalesce('search_path=""' = any(p.proconfig), false)
$$, 'every SECURITY DEFINER function pins an empty search_path');

-- viewers (the dashboard's pages) read: status, lookup, exports; they change nothing
select function_privs_are('enrich', 'batch_status', array['uuid'],
  'enrich_viewer', array['EXECUTE'], 'viewers read a batch''s progress');
select function_privs_are('enrich', 'pause_workflow', array['text', 'boolean'],
  'enrich_viewer', '{}'::text[], 'viewers cannot pause a workflow');
select function_privs_are('enrich', 'list_workflows', '{}'::text[],
  'enrich_viewer', '{}'::text[], 'viewers do not see webhook URLs (workflows_overview leaves them out)');
select table_privs_are('enrich', 'batch_items', 'enrich_viewer', array['SELECT'],
  'viewers read items (an export''s COPY), nothing more');
select table_privs_are('enrich', 'dispatches', 'enrich_viewer', '{}'::text[],
  'viewers do not read the dispatch queue itself');
set local role enrich_viewer;
select lives_ok($$select enrich.recent_batches(5)$$, 'a viewer lists batches');
select throws_ok($$select enrich.retry_failed()$$, '42501', null, 'a viewer cannot retry');
reset role;

-- a worker's session: the functions work, direct writes do not
set local role enrich_worker;
select throws_ok($$update enrich.dispatches set status = 'SENT'$$, '42501', null,
  'a worker cannot update a table directly');
select throws_ok($$select enrich.create_batch('company', '[]')$$, '42501', null,
  'a worker cannot create a batch');
select lives_ok($$select * from enrich.claim_dispatches('privilege-test', 1)$$,
  'a worker claims through the function');
reset role;

select * from finish();
rollback;
