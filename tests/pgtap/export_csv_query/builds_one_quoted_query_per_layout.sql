-- export_csv_query: the SELECT a CSV export streams, built from a column layout with every
-- value quoted; unknown columns, workflows and batches are refused.
begin;
select plan(7);
select enrich.create_batch('company', $$[{"email": "a@acme.com", "note": "=1+1", "it's": {"k": [1, "v"]}},
                                         {"email": "b@gmail.com"}]$$) as batch_id \gset
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');

select enrich.export_csv_query(:'batch_id', $$[{"ours": "row_number"}, {"input": "note"}, {"input": "it's"},
  {"step": "split"}, {"error": "split"}, {"result": "enrich_company_via_waterfall_in_clay", "field": "enriched"}]$$)
  as query \gset
select results_eq(:'query',
  $$values ('1', '''=1+1', '{"k":[1,"v"]}', 'COMPLETED', null, 'true'),
           ('2', null, null, 'FAILED',
            enrich._company_key_error(null, null, 'b@gmail.com'), null)$$,
  'one row per item in row order: safe text, compact JSON, steps, errors, results');
select enrich.export_csv_query(:'batch_id', '[{"input": "note"}]', true) as raw_query \gset
select results_eq(:'raw_query', $$values ('=1+1'), (null)$$, 'raw cells stay as they are');
select throws_ok(format('select enrich.export_csv_query(%L, %L)', :'batch_id', '[{"ours": "data"}]'),
  'EN003', null, 'an unknown column of ours is refused');
select throws_ok(format('select enrich.export_csv_query(%L, %L)', :'batch_id', '[{"result": "nope", "field": "x"}]'),
  'EN001', null, 'an unknown workflow is refused');
select throws_ok(format('select enrich.export_csv_query(%L, %L)', :'batch_id', '[]'),
  'EN003', null, 'an export needs a column');
select throws_ok(format('select enrich.export_csv_query(%L, %L)', gen_random_uuid(), '[{"ours": "status"}]'),
  'EN002', null, 'an unknown batch is refused');
select lives_ok(format('select enrich.export_csv_query(%L, %L)', :'batch_id',
  $$[{"input": "x'); drop table enrich.batches; --"}]$$), 'a key is a literal, never SQL');
select * from finish();
rollback;
