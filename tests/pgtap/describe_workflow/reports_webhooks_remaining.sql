begin;
select plan(2);
select enrich.set_workflow('enrich_company_via_waterfall_in_clay', array['https://h.test/x'], p_max_submissions => 10);
update enrich.workflow_webhooks set submissions = 4 where url = 'https://h.test/x';
select is(enrich.describe_workflow('enrich_company_via_waterfall_in_clay') -> 'webhooks' -> -1 -> 'remaining',
  '6'::jsonb, 'remaining submissions');
select is(enrich.describe_workflow('nope'), null, 'unknown workflow: NULL');
select * from finish();
rollback;
