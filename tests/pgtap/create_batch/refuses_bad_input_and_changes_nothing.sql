begin;
select plan(5);

select throws_ok($$select enrich.create_batch('nope', '[]')$$, 'EN004',
  'unknown pipeline ''nope''', 'an unknown pipeline is refused');
select throws_ok($$select enrich.create_batch('company', '{"email": "a@b.com"}')$$, 'EN003',
  'create_batch: p_rows must be a JSON array of row objects', 'an object instead of an array');
select throws_ok($$select enrich.create_batch('company', '[{"email": "a@b.com"}, 7]')$$, 'EN003',
  'create_batch: row 2 is not a JSON object', 'a row that is not an object, with its number');
select is((select count(*) from enrich.batches), 0::bigint, 'no batch was created');
select lives_ok($$select enrich.create_batch('company', '[]')$$, 'an empty batch is fine');

select * from finish();
rollback;
