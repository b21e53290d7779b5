-- Items served are kept per UTC day as they complete (enrich.item_completions): equal to
-- the COMPLETED item steps, still there once the batch is pruned (history), folded like the
-- batch counts.
begin;
select plan(4);
select enrich.create_batch('company', '[{"email": "a@acme.com"}, {"email": "b@acme.com"}, {"email": "c@gmail.com"}]')
  as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select set_eq($$select step_name, sum(n) from enrich.item_completions group by 1$$,
  $$select ws.step_name, count(*) from enrich.workflow_states ws where ws.status = 'COMPLETED' group by 1$$,
  'per step: the COMPLETED item steps');
select is((select items_served from enrich.workflow_stats() where workflow_slug = 'enrich_company_via_waterfall_in_clay'),
  2::bigint, 'stats read them');
update enrich.batches set created_at = now() - interval '100 days', completed_at = now() - interval '99 days';
select enrich.prune_batches(interval '90 days');
select is((select items_served from enrich.workflow_stats() where workflow_slug = 'enrich_company_via_waterfall_in_clay'),
  2::bigint, 'a pruned batch''s items stay served');
insert into enrich.item_completions values (current_date, 'split', false, -7, 5);
select enrich.fold_batch_counts();
select is((select sum(n) from enrich.item_completions where step_name = 'split')::int, 7,
  'rows of a gone process are folded, the sum kept');
select * from finish();
rollback;
