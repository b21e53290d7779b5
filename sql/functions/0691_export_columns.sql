-- enrich.export_columns: the CSV export's header, known before its first row: every input
-- key, the steps, and every result key of the batch's companies and people.

create or replace function enrich.export_columns(p_batch_id uuid)
returns table (input text[], steps text[], company text[], person text[])
language sql stable set search_path = '' as $$
  select array(select distinct k from enrich.batch_items i, jsonb_object_keys(i.data) k
               where i.batch_id = p_batch_id order by 1),
         (select b.steps from enrich.batches b where b.id = p_batch_id),
         array(select distinct k from enrich.export_batch(p_batch_id) e,
               jsonb_object_keys(case when jsonb_typeof(e.record -> 'company') = 'object'
                                 then e.record -> 'company' else '{}' end) k order by 1),
         array(select distinct k from enrich.export_batch(p_batch_id) e,
               jsonb_object_keys(case when jsonb_typeof(e.record -> 'person') = 'object'
                                 then e.record -> 'person' else '{}' end) k order by 1)
$$;
comment on function enrich.export_columns(uuid) is
  'The keys of a batch''s export: input keys, steps, company and person result keys (sorted).';
