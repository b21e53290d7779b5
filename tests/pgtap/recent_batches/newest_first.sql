begin;
select plan(2);
select enrich.create_batch('company', '[{"email": "a@acme.com"}]') as first \gset
select enrich.create_batch('company', '[{"email": "b@beta.io"}]') as second \gset
update enrich.batches set created_at = now() - interval '1 minute' where id = :'first';
select is((select array_agg(s ->> 'batch_id') from enrich.recent_batches() s),
  array[:'second', :'first'], 'newest first');
select is((select count(*) from enrich.recent_batches(1)), 1::bigint, 'at most p_limit');
select * from finish();
rollback;
