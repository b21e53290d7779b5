begin;
select plan(4);
select enrich.open_batch('company') as batch_id \gset
select lives_ok(format($$select enrich.set_batch_columns(%L,
  '[{"heading": "Website", "key": "company_website"}, {"heading": "Notes", "key": "notes"}]')$$,
  :'batch_id'), 'a list of headings and keys');
select results_eq(format($$select input from enrich.export_columns(%L)$$, :'batch_id'),
  $$values ('[{"heading": "Website", "key": "company_website"},
              {"heading": "Notes", "key": "notes"}]'::jsonb)$$,
  'the export gives them back in the file''s order');
select throws_ok(format($$select enrich.set_batch_columns(%L, '[{"heading": 1}]')$$, :'batch_id'),
  'EN003', null, 'a malformed list is refused');
select throws_ok($$select enrich.set_batch_columns('00000000-0000-0000-0000-000000000000', '[]')$$,
  'EN002', null, 'an unknown batch is refused');
select * from finish();
rollback;
