begin;
select plan(7);

select enrich.set_workspace('acme_clay', 0.001, 3);
select is((select l ->> 'name' from enrich.list_workspaces() l where l ->> 'name' = 'acme_clay'),
  'acme_clay', 'a workspace is created');
select throws_ok($$select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_workspace => 'nope')$$,
  'EN001', 'unknown workspace ''nope''', 'an unknown workspace is refused');
select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_workspace => 'acme_clay');
select enrich.set_workflow('enrich_person_via_waterfall_in_clay', p_workspace => 'acme_clay');
update enrich.workspaces set rate_tokens = 3, rate_refilled_at = now() where name = 'acme_clay';

select enrich.create_batch('company_and_person',
  '[{"email": "a@acme.com"}, {"email": "b@beta.io"}]');
-- two company dispatches, and person dispatches made directly
select enrich.set_person_workflow_status(id, 'enrich_person_via_waterfall_in_clay', 'IN_PROGRESS')
  from enrich.normalized_people;
select is((select count(*) from enrich.dispatches), 4::bigint, 'four dispatches in two workflows');
select is((select count(*) from enrich.claim_dispatches('w1', 10)), 3::bigint,
  'the workspace''s burst of 3 holds across both workflows');
select is((select count(*) from enrich.claim_dispatches('w2', 10)), 0::bigint, 'then nothing');
select is((select l -> 'workflows' from enrich.list_workspaces() l where l ->> 'name' = 'acme_clay'),
  '["enrich_company_via_waterfall_in_clay", "enrich_person_via_waterfall_in_clay"]'::jsonb,
  'list_workspaces names its workflows');

-- daily credits: 2 credits a call, 5 credits a day -> 2 calls
select enrich.set_workspace('acme_clay', 1000, 1000, 5);
update enrich.workspaces set rate_tokens = 1000 where name = 'acme_clay';
update enrich.workflows set credits_per_call = 2;
update enrich.paid_calls set day = day - 1;
select enrich.release_dispatches('w1');
select is((select count(*) from enrich.claim_dispatches('w3', 10)), 2::bigint,
  'daily credits of 5 at 2 a call allow 2 calls across the workspace');

select * from finish();
rollback;
