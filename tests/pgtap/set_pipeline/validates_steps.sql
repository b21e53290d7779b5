begin;
select plan(4);
select is(enrich.set_pipeline('people_only', array['normalize_all_core_values', 'split',
                              'enrich_person_via_waterfall_in_clay']),
  array['normalize_all_core_values', 'split', 'enrich_person_via_waterfall_in_clay'], 'created');
select throws_ok($$select enrich.set_pipeline('x', array['normalize_all_core_values', 'split', 'nope'])$$,
  'EN003', null, 'unknown step');
select throws_ok($$select enrich.set_pipeline('x', array['split', 'enrich_person_via_waterfall_in_clay'])$$,
  'EN003', null, 'must start with normalize, split');
select throws_ok($$select enrich.set_pipeline('x', array['normalize_all_core_values', 'split', 'split'])$$,
  'EN003', null, 'no repeated step');
select * from finish();
rollback;
