begin;
select plan(6);

create temporary table ids as
select n, enrich._uuid_v7() as id, pg_catalog.clock_timestamp() as made
from generate_series(1, 3) n, pg_sleep(0.002);

select is((select count(*) from ids where substr(id::text, 15, 1) = '7'), 3::bigint,
  'version nibble is 7');
select is((select count(*) from ids where substr(id::text, 20, 1) in ('8', '9', 'a', 'b')), 3::bigint,
  'RFC 4122 variant');
select is((select count(distinct id) from ids), 3::bigint, 'distinct');
select ok((select abs(extract(epoch from made) * 1000
                      - ('x' || lpad(replace(left(id::text, 13), '-', ''), 16, '0'))::bit(64)::bigint) < 50
             from ids where n = 1),
  'the first 48 bits are the creation time in ms');

-- items and people get them by default: rows made later sort after earlier ones (with
-- random ids, ten against ten would interleave)
select enrich.create_batch('company', (select jsonb_agg(jsonb_build_object('email', 'p' || g || '@acme.com'))
                                         from generate_series(1, 10) g)) \gset
select pg_sleep(0.002);
select enrich.create_batch('company', (select jsonb_agg(jsonb_build_object('email', 'p' || g || '@beta.io'))
                                         from generate_series(1, 10) g)) \gset
select ok((select id from enrich.batch_items where company_key = 'acme.com' order by id desc limit 1)
           < (select id from enrich.batch_items where company_key = 'beta.io' order by id limit 1),
  'items made later sort later');
select ok((select id from enrich.normalized_people where person_key like '%@acme.com'
             order by id desc limit 1)
           < (select id from enrich.normalized_people where person_key like '%@beta.io'
             order by id limit 1),
  'so do people');

select * from finish();
rollback;
