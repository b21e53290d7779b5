-- enrich._count_batch_entities: a batch's distinct companies and people, counted once when its
-- load ends (and again when `enrich db migrate` merges entities), so status reads them.

create or replace function enrich._count_batch_entities(p_batch_ids uuid[]) returns void
language sql set search_path = ''
-- Each batch's items by the (batch_id, row_number) key: statistics see a few big batches, and
-- would have a one-row batch's count scan every item of the database. No JIT (a count).
set enable_seqscan = off
set jit = off as $$
  -- one read of each batch's items, grouped two ways at once (grouping sets: one hash table
  -- for its companies, one for its people)
  update enrich.batches b
     set companies = c.companies, people = c.people
    from (select p.batch_id, e.companies, e.people
          from (select distinct unnest(p_batch_ids)) as p(batch_id)
          cross join lateral (
            select count(g.company_id) as companies, count(g.person_id) as people
            from (select i.company_id, i.person_id from enrich.batch_items i
                  where i.batch_id = p.batch_id
                  group by grouping sets ((i.company_id), (i.person_id))) g) e) c
   where b.id = c.batch_id
$$;
comment on function enrich._count_batch_entities(uuid[]) is
  'Sets batches.companies and batches.people: the distinct companies and people linked to '
  'each batch''s items.';
