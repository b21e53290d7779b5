-- enrich.export_csv_query: the query that `enrich export --format csv` streams with
-- COPY ... TO STDOUT: one pass over the batch's items in row order (by the batch's row key, so
-- rows stream from the first one on, with no sort), each item's steps read by its key, and per
-- workflow its entity's newest result by the results' lookup key (the planner memoizes it: an
-- entity shared by many rows is read once). The columns are the caller's layout
-- (enrich.export_columns gives what it is made of); every literal in the text is quoted here.

create or replace function enrich.export_csv_query(
  p_batch_id uuid, p_columns jsonb, p_raw boolean default false
) returns text
language plpgsql stable set search_path = '' as $$
declare
  v_column   jsonb;
  v_cells    text[] := '{}';
  v_steps    text[] := '{}';   -- the step of each st<n> column, the error of each er<n>
  v_errors   text[] := '{}';
  v_flows    text[] := '{}';   -- the workflow of each r<n> join
  v_joins    text := '';
  v_aggs     text[] := '{}';
  v_texts    text[] := '{}';   -- each JSON value's text, read once per row (t<n>)
  v_type     text;
  v_n        integer;
  v_text     text := format('enrich._csv_cell(%%s, null, %L)', p_raw);  -- a text cell
  v_idents   text[] := '{}';
begin
  if not exists (select from enrich.batches b where b.id = p_batch_id) then
    raise exception using errcode = 'EN002', message = format('unknown batch %s', p_batch_id);
  end if;
  if jsonb_typeof(p_columns) is distinct from 'array' then
    raise exception using errcode = 'EN003', message = 'the columns must be a JSON array';
  end if;
  for v_column in select c from jsonb_array_elements(p_columns) c loop
    if v_column ? 'input' then
      v_texts := v_texts || format('i.data ->> %L', v_column ->> 'input');
      v_cells := v_cells || format('enrich._csv_cell(v.t%s, i.data -> %L, %L)',
                                   cardinality(v_texts), v_column ->> 'input', p_raw);
    elsif v_column ? 'ours' then
      v_cells := v_cells || case v_column ->> 'ours'
        when 'row_number' then 'i.row_number::text'
        when 'item_id' then 'i.id::text'
        when 'status' then 'i.status'
        when 'company_key' then format(v_text, 'i.company_key')
        when 'person_key' then format(v_text, 'i.person_key')
      end;
    elsif v_column ? 'step' then
      v_steps := v_steps || (v_column ->> 'step');
      v_n := cardinality(v_steps);
      v_aggs := v_aggs || format('max(ws.status) filter (where ws.step_name = %L) as st%s',
                                 v_column ->> 'step', v_n);
      v_cells := v_cells || format('st.st%s', v_n);
    elsif v_column ? 'error' then
      v_errors := v_errors || (v_column ->> 'error');
      v_n := cardinality(v_errors);
      v_aggs := v_aggs || format('max(ws.meta ->> ''error'') filter (where ws.step_name = %L) as er%s',
                                 v_column ->> 'error', v_n);
      v_cells := v_cells || format(v_text, format('st.er%s', v_n));
    elsif v_column ? 'result' then
      v_n := array_position(v_flows, v_column ->> 'result');
      if v_n is null then
        select w.entity_type into v_type from enrich.workflows w where w.slug = v_column ->> 'result';
        if not found then
          raise exception using errcode = 'EN001',
            message = format('unknown workflow %s', quote_literal(v_column ->> 'result'));
        end if;
        v_flows := v_flows || (v_column ->> 'result');
        v_n := cardinality(v_flows);
        select v_joins || format(
                 ' left join lateral (select r.data from enrich.%3$I r
                                      where r.%2$I = i.%2$I and r.workflow_slug = %4$L
                                      order by r.created_at desc limit 1) r%1$s on true',
                 v_n, t.id_column, t.results, v_column ->> 'result')
          into v_joins
          from enrich._entity_tables(v_type) t;
      end if;
      v_texts := v_texts || format('r%s.data ->> %L', v_n, v_column ->> 'field');
      v_cells := v_cells || format('enrich._csv_cell(v.t%s, r%s.data -> %L, %L)',
                                   cardinality(v_texts), v_n, v_column ->> 'field', p_raw);
    elsif v_column ->> 'identifier' in ('company', 'person') then
      -- every identifier of that kind of the row's entity, '; ' between them: one lateral
      -- per entity type reads its entity's identifiers once (memoized per entity)
      v_type := v_column ->> 'identifier';
      if not v_type = any(v_idents) then
        v_idents := v_idents || v_type;
        select v_joins || format(
                 ' left join lateral (select jsonb_object_agg(g.kind, g.vs) as ids
                                      from (select x.kind, string_agg(x.value, ''; '' order by x.value) as vs
                                              from enrich.%2$I x where x.%1$I = i.%1$I
                                             group by x.kind) g) id_%3$s on true',
                 t.id_column, v_type || '_identifiers', v_type)
          into v_joins from enrich._entity_tables(v_type) t;
      end if;
      v_cells := v_cells || format(v_text, format('id_%s.ids ->> %L', v_type, v_column ->> 'kind'));
    else
      v_cells := v_cells || null::text;
    end if;
    if v_cells[cardinality(v_cells)] is null then
      raise exception using errcode = 'EN003',
        message = format('not an export column: %s', v_column);
    end if;
  end loop;
  if cardinality(v_cells) = 0 then
    raise exception using errcode = 'EN003', message = 'an export needs at least one column';
  end if;
  if cardinality(v_aggs) > 0 then
    v_joins := format(' left join lateral (select %s from enrich.workflow_states ws
                                            where ws.item_id = i.id) st on true',
                      array_to_string(v_aggs, ', ')) || v_joins;
  end if;
  if cardinality(v_texts) > 0 then  -- (OFFSET 0: read once, not once per use in a cell)
    v_joins := v_joins || format(' cross join lateral (select %s offset 0) v',
      (select string_agg(format('%s as t%s', t.text, t.n), ', ' order by t.n)
         from unnest(v_texts) with ordinality as t(text, n)));
  end if;
  return format('select %s from enrich.batch_items i%s where i.batch_id = %L order by i.row_number',
                array_to_string(v_cells, ', '), v_joins, p_batch_id);
end;
$$;
comment on function enrich.export_csv_query(uuid, jsonb, boolean) is
  'The SELECT for a CSV export of a batch, to run with COPY (...) TO STDOUT: one text cell per '
  'column of p_columns, a JSON array of {"input": key}, {"ours": row_number|item_id|status|'
  'company_key|person_key}, {"step": step}, {"error": step}, {"result": workflow, "field": '
  'field} or {"identifier": company|person, "kind": kind}; cells spreadsheet-safe unless '
  'p_raw. Rows in row order.';
