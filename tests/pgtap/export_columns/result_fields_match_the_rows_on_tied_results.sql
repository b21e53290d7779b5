-- export_columns: the result fields of the header are those of the very results the rows
-- show, also when an entity has two results of one workflow with the same created_at (two
-- recorded in one transaction, or two entities' results that a merge put together): the
-- header and the rows take the same one, so no value goes without its column and no column
-- stays empty.
begin;
select plan(2);
select enrich.create_batch('company',
  (select jsonb_agg(jsonb_build_object('email', format('x@tie%s.test', g)) order by g)
   from generate_series(1, 40) g)) as batch_id \gset
-- (one transaction: every result of an entity has the same created_at)
select count(enrich.record_company_result(c.id, 'enrich_company_via_waterfall_in_clay',
                                          jsonb_build_object('first_' || c.domain, 1)))
from enrich.normalized_companies c where c.domain like 'tie%.test';
select count(enrich.record_company_result(c.id, 'enrich_company_via_waterfall_in_clay',
                                          jsonb_build_object('second_' || c.domain, 2)))
from enrich.normalized_companies c where c.domain like 'tie%.test';

-- per result column of the header, the rows that have a value in it (-1: a column no row fills)
create function pg_temp.filled_cells(p_batch uuid) returns bigint language plpgsql as $$
declare
  v_total bigint := 0;
  v_n     bigint;
  v_flow  text;
  v_field text;
begin
  for v_flow, v_field in
    select w ->> 'workflow', f from enrich.export_columns(p_batch) e,
      jsonb_array_elements(e.results) w, jsonb_array_elements_text(w -> 'fields') f
  loop
    execute format('select count(*) from (%s) q(c) where c is not null',
      enrich.export_csv_query(p_batch,
        jsonb_build_array(jsonb_build_object('result', v_flow, 'field', v_field)))) into v_n;
    if v_n = 0 then
      return -1;
    end if;
    v_total := v_total + v_n;
  end loop;
  return v_total;
end;
$$;
select is(pg_temp.filled_cells(:'batch_id'), 40::bigint,
  'every row''s result value has its column, and every result column has a value');
select is((select jsonb_array_length(w -> 'fields') from enrich.export_columns(:'batch_id') e,
             jsonb_array_elements(e.results) w), 40,
  'one field per entity: the one of the result its rows show');
select * from finish();
rollback;
