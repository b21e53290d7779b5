-- enrich._count_batch_entities: a batch's distinct companies and people, counted once when its
-- load ends (and again when `enrich db migrate` merges entities), so status reads them.

create or replace function enrich._count_batch_entities(p_batch_ids uuid[]) returns void
language sql set search_path = ''
-- Each batch's items by the (batch_id, row_number) key: statistics see a few big batches, and
-- would have a one-row batch's count scan every item of the database. No JIT (a count).
set enable_seqscan = off
set jit = off as $$
  update enrich.batches b
     set companies = (select count(*) from (select distinct i.company_id from enrich.batch_items i
                                             where i.batch_id = b.id and i.company_id is not null) c),
         people = (select count(*) from (select distinct i.person_id from enrich.batch_items i
                                          where i.batch_id = b.id and i.person_id is not null) p)
   where b.id = any(p_batch_ids)
$$;
comment on function enrich._count_batch_entities(uuid[]) is
  'Sets batches.companies and batches.people: the distinct companies and people linked to '
  'each batch''s items.';
