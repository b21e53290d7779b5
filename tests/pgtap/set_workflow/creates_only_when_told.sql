begin;
select plan(5);
select throws_ok($$select enrich.set_workflow('enrich_compnay_typo', array['https://h.test/1'])$$,
  'EN001', 'unknown workflow ''enrich_compnay_typo''', 'an unknown slug is not created by a setting');
select is((select count(*) from enrich.workflows where slug = 'enrich_compnay_typo'), 0::bigint,
  'nothing was made');
select throws_ok($$select enrich.set_workflow('split', p_create => true)$$, 'EN003',
  '''split'' is the name of a SQL step, not of a workflow', 'a SQL step''s name is refused');
select throws_ok($$select enrich.set_workflow('enrich', p_create => true)$$, 'EN003', null,
  '''enrich'' is refused: the export''s own columns are enrich.*');
select is(enrich.set_workflow('enrich_new', p_create => true) ->> 'slug', 'enrich_new',
  'created when told');
select * from finish();
rollback;
