begin;
select plan(1);
select results_eq($$select w ->> 'slug' from enrich.list_workflows() w$$,
  $$values ('enrich_company_via_waterfall_in_clay'), ('enrich_person_via_waterfall_in_clay')$$,
  'describe_workflow() of each, by slug');
select * from finish();
rollback;
