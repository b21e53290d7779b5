-- enrich._row_cells: the cells of create_batch's rows under the keys they are stored by.
-- Each distinct key is mapped once (enrich._column_field); of two keys of a row naming one
-- field, the field's own name beats an alias, which is kept as data under its own name.
-- Keys naming email are all kept: the own name's (else the first in sort order) as email, the
-- others as email_2, email_3, ... (as the loader numbers a file's email columns).

create or replace function enrich._row_cells(p_rows jsonb)
returns table (ord bigint, k text, v jsonb, stored_as text)
language sql stable set search_path = '' as $$
  with names as (
    select d.k, m.field, pg_catalog.lower(pg_catalog.btrim(d.k)) as plain,
           case when m.field is null then null
                when pg_catalog.replace(m.field, '_', '') = enrich._column_key(d.k) then 1
                else 0 end as rank
    from (select distinct pg_catalog.jsonb_object_keys(r.value) as k
            from pg_catalog.jsonb_array_elements(p_rows) r) d
    cross join lateral (select enrich._column_field(d.k) as field) m
  ),
  cells as (
    -- two keys of one spelling ("Email", "email") get one number: create_batch refuses them
    select r.ord, e.k, e.v, n.field, n.plain, n.rank,
           max(n.rank) over (partition by r.ord, n.field) as best,
           pg_catalog.dense_rank() over (partition by r.ord, n.field
                                         order by n.rank desc, n.plain collate "C") as nth
    from pg_catalog.jsonb_array_elements(p_rows) with ordinality as r(row_value, ord)
    left join lateral pg_catalog.jsonb_each(r.row_value) as e(k, v) on true
    left join names n on n.k = e.k
  )
  select c.ord, c.k, c.v,
         case when c.field is null then c.plain
              when c.field = 'email' and c.nth > 1 then 'email_' || c.nth
              when c.field = 'email' then c.field
              when c.rank < c.best then c.plain
              else c.field end
  from cells c
$$;
comment on function enrich._row_cells(jsonb) is
  'create_batch''s rows cell by cell (row number, key, value, the key it is stored under: a '
  'field, email_2, email_3, ... for further emails, or the key in lower case); a row without '
  'keys gives one row with NULL key.';
