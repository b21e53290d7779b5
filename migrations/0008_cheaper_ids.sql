-- Ids without a cryptographic random number per row. gen_random_uuid() asks OpenSSL for 16
-- random bytes on every call, 1.0-1.5 µs on our machine (OpenSSL 3), and a loading batch makes
-- about five million ids (items, people, three item steps per item): 5-7 s of a 1,000,000-row
-- load went to random bytes. enrich._uuid_v7() now takes its 74 random bits from random()
-- (PostgreSQL's per-session xoroshiro128** generator, seeded from the system's strong
-- randomness when a session first calls it): 0.6 µs per id instead of 1.9 µs.
--
-- These ids are identifiers, never secrets: nothing is granted by knowing one (callbacks are
-- authenticated by the shared secret, roles by PostgreSQL). RFC 9562 recommends, not
-- requires, a cryptographic generator for the random bits. A session that calls setseed()
-- makes its later ids repeatable; with the millisecond prefix two sessions would have to
-- seed alike and write in the same millisecond to collide, and every id but the item steps'
-- is a primary key, which would refuse the duplicate.
--
-- The item steps (workflow_states.id, unindexed since migration 0005), companies and entity
-- workflow states get time-ordered ids too (were gen_random_uuid()).
-- depends: 0007_workflow_links_checked_once

create or replace function enrich._uuid_v7() returns uuid
language sql volatile parallel restricted as $$  -- restricted, like random()
  select pg_catalog.encode(
           pg_catalog.int8send(  -- 48-bit Unix time in ms, version 7, 12 random bits
             (pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp())
                               * 1000)::bigint << 16)
             | 28672 | pg_catalog.floor(pg_catalog.random() * 4096)::bigint)
           || pg_catalog.int8send(  -- variant 10, 62 random bits (two draws of 31)
             (-9223372036854775808)::bigint
             | (pg_catalog.floor(pg_catalog.random() * 2147483648)::bigint << 31)
             | pg_catalog.floor(pg_catalog.random() * 2147483648)::bigint),
           'hex')::pg_catalog.uuid
$$;
comment on function enrich._uuid_v7() is
  'A UUID version 7 (48-bit Unix time in ms, version, 74 random bits from random()): ids '
  'that sort by creation. Identifiers, not secrets (see migration 0008).';

alter table enrich.workflow_states alter column id set default enrich._uuid_v7();
alter table enrich.normalized_companies alter column id set default enrich._uuid_v7();
alter table enrich.company_workflow_states alter column id set default enrich._uuid_v7();
alter table enrich.person_workflow_states alter column id set default enrich._uuid_v7();

comment on column enrich.workflow_states.id is
  'A unique id for the item step (time-ordered, enrich._uuid_v7()); not indexed: rows are '
  'found by their key, (item_id, step_name).';
