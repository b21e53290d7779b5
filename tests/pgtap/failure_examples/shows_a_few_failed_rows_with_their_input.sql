begin;
select plan(3);
select enrich.create_batch('company', '[{"email": "a@gmail.com", "note": "first"}, {"email": "b@acme.com"},
  {"email": "c@gmail.com", "note": "second"}, {"email": "d@gmail.com"}]') as batch_id \gset
select enrich.batch_status(:'batch_id') -> 'failures' -> 0 ->> 'error' as error \gset
select results_eq(format('select row_number, input ->> %L from enrich.failure_examples(%L, %L, %L, 2)',
                         'note', :'batch_id', 'split', :'error'),
  $$values (1, 'first'), (3, 'second')$$, 'the first rows that failed with that error, with their input');
select is_empty(format('select * from enrich.failure_examples(%L, %L, %L)', :'batch_id', 'split', 'another error'),
  'none for an error nobody had');
select is((select count(*) from enrich.failure_examples(:'batch_id', 'split', :'error', 100000))::int, 3,
  'at most 100 whatever is asked');
select * from finish();
rollback;
