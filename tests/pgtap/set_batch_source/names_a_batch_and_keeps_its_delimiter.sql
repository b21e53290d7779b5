-- A batch is named (its file's name, or --name) and keeps its file's delimiter; bad names
-- and delimiters are refused and change nothing; batch_status says the name.
begin;
select plan(9);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]') as batch_id \gset

select lives_ok(format($$select enrich.set_batch_source(%L, 'Q3 leads (Apollo).csv', ';')$$, :'batch_id'),
  'a name and a delimiter');
select is((select name from enrich.batches where id = :'batch_id'), 'Q3 leads (Apollo).csv', 'named');
select is((select input_delimiter from enrich.batches where id = :'batch_id'), ';', 'its delimiter kept');
select is(enrich.batch_status(:'batch_id') ->> 'name', 'Q3 leads (Apollo).csv', 'status says the name');
select throws_ok(format($$select enrich.set_batch_source(%L, E'two\nlines', null)$$, :'batch_id'),
  'EN003', null, 'a control character in a name: refused');
select throws_ok(format($$select enrich.set_batch_source(%L, repeat('x', 201), null)$$, :'batch_id'),
  'EN003', null, 'a name over 200 characters: refused');
select throws_ok(format($$select enrich.set_batch_source(%L, 'ok', ':')$$, :'batch_id'),
  'EN003', null, 'an unknown delimiter: refused');
select is((select name from enrich.batches where id = :'batch_id'), 'Q3 leads (Apollo).csv',
  'a refusal changes nothing');
select throws_ok($$select enrich.set_batch_source(gen_random_uuid(), 'x', null)$$,
  'EN002', null, 'an unknown batch: EN002');
select * from finish();
rollback;
