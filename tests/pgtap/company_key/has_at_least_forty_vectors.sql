begin;
select plan(1);

select cmp_ok((select count(*) from enrich_test.key_vectors), '>=', 40::bigint,
  'at least 40 domain / email / LinkedIn vectors are checked');

select * from finish();
rollback;
