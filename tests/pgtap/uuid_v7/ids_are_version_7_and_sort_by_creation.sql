begin;
select plan(10);

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

-- 100,000 at once (random bits from random(), migration 0008): each one valid and distinct,
-- the last hex digit takes every value (a scaled double would leave the low bits zero)
create temporary table many as select enrich._uuid_v7() as id from generate_series(1, 100000);
select is((select count(distinct id) from many), 100000::bigint, '100,000 ids, all distinct');
select is((select count(*) from many
            where substr(id::text, 15, 1) = '7' and substr(id::text, 20, 1) in ('8', '9', 'a', 'b')),
          100000::bigint, 'every one version 7, RFC variant');
select is((select count(distinct right(id::text, 1)) from many), 16::bigint,
  'the last hex digit is random too');
select is(
  (select array_agg(distinct pg_get_expr(d.adbin, d.adrelid))
     from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
    where a.attname = 'id' and d.adrelid in ('enrich.batch_items'::regclass,
      'enrich.normalized_people'::regclass, 'enrich.workflow_states'::regclass,
      'enrich.normalized_companies'::regclass, 'enrich.company_workflow_states'::regclass,
      'enrich.person_workflow_states'::regclass, 'enrich.company_enrichment_results'::regclass,
      'enrich.person_enrichment_results'::regclass)),
  array['enrich._uuid_v7()'],
  'items, people, item steps, companies, entity states and results default to it');

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
