begin;
select plan(4);

-- A receiver's session reuses generic plans for the cascade of a few callbacks (cheaper than
-- planning each group). Those plans are made on whatever the tables hold then, here a few
-- rows, where a sequential scan would be the cheapest plan; kept after a million-row batch
-- lands, it would read the tables whole for every callback. So the cascade uses indexes only,
-- whatever the tables' size: after warming the plans up, callbacks scan none of them.
select enrich.create_batch('company', (
  select jsonb_agg(jsonb_build_object('email', format('p%s@c%s.com', n, n / 2),
                                      'company_domain', format('c%s.com', n / 2)))
  from generate_series(0, 23) as n)) as batch \gset

create temporary table scans_before as
  select relname, seq_scan from pg_stat_xact_user_tables where schemaname = 'enrich';
set local enable_indexonlyscan = off;  -- (a whole-table scan of our own, whatever the
set local enable_indexscan = off;      -- planner would otherwise prefer on statistics a
set local enable_bitmapscan = off;     -- concurrent test's rows left)
select count(*) from enrich.batches;
reset enable_indexonlyscan;
reset enable_indexscan;
reset enable_bitmapscan;
select cmp_ok((select s.seq_scan - b.seq_scan from pg_stat_xact_user_tables s
                 join scans_before b using (relname)
                where s.schemaname = 'enrich' and s.relname = 'batches'), '>', 0::bigint,
  'this transaction''s sequential scans are counted (the check below can fail)');

-- eight single callbacks, more than the five custom plans a statement gets before a generic one
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
                             jsonb_build_object('company_id', c.id))
  from (select id from enrich.normalized_companies order by domain limit 8) c;

truncate scans_before;
insert into scans_before
  select relname, seq_scan from pg_stat_xact_user_tables where schemaname = 'enrich';
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
                             jsonb_build_object('company_id', c.id))
  from (select id from enrich.normalized_companies order by domain offset 8 limit 3) c;
select is((select coalesce(jsonb_object_agg(s.relname, s.seq_scan - b.seq_scan), '{}')
             from pg_stat_xact_user_tables s join scans_before b using (relname)
            where s.schemaname = 'enrich' and s.seq_scan > b.seq_scan
              and s.relname in ('batch_items', 'workflow_states', 'batches')),
  '{}'::jsonb, 'three more callbacks and their cascades read items, item steps and batches by index');

select is((select count(*) from enrich.batch_items where status = 'COMPLETED'), 22::bigint,
  'the eleven companies'' items completed');
select is((select count(*) from enrich.workflow_states
            where step_name = 'enrich_company_via_waterfall_in_clay' and status = 'COMPLETED'),
  22::bigint, 'with their company steps');

select * from finish();
rollback;
