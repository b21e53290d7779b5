begin;
select plan(2);

-- The normalize step computes company keys set-based (one pass over the batch's distinct
-- hosts); enrich.company_key is the one-row form. Both must agree on every vector.
select enrich.create_batch('company', (
  select jsonb_agg(jsonb_build_object(k.field, k.input))
  from enrich_test.key_vectors k where k.kind = 'company')) as batch_id \gset

select is((select count(*) from enrich.batch_items where batch_id = :'batch_id'),
          (select count(*) from enrich_test.key_vectors where kind = 'company'),
          'one row per company vector');
select is_empty($$
  select v.source, v.field, v.input, v.expected, i.company_key
  from enrich.batch_items i
  join enrich_test.key_vectors v on v.kind = 'company' and i.data ->> v.field = v.input
  where i.batch_id = $$ || quote_literal(:'batch_id') || $$
    and i.company_key is distinct from v.expected
$$, 'the normalize step keys every company vector as company_key does');

select * from finish();
rollback;
