begin;
select plan(1);
select results_eq($$select name from enrich.list_pipelines()$$,
  $$values ('company'), ('company_and_person')$$, 'the built-in pipelines, by name');
select * from finish();
rollback;
