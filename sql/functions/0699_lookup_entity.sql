-- enrich.lookup_entity: the companies and people a value names, whatever identifier a user
-- pastes (`enrich lookup`, the dashboard's lookup), each with everything known about it.

create or replace function enrich.lookup_entity(p_value text, p_rows integer default 0)
returns jsonb
language plpgsql stable set search_path = '' as $$
-- The value is read by the normalisers the split step uses, so it finds what a load linked.
-- Every reading is one index probe (identifiers by (value, kind), names, ids, redirects);
-- an entity's rows are found through the steps' entity index, never by scanning the items.
declare
  v_value    text := enrich._clean_text(p_value);
  v_types    text[] := '{}';  -- the readings: entity type, identifier kind, value
  v_kinds    text[] := '{}';
  v_values   text[] := '{}';
  v_f_types  text[] := '{}';  -- what they found: entity type, id, the reading that found it
  v_f_ids    uuid[] := '{}';
  v_f_kinds  text[] := '{}';
  v_f_values text[] := '{}';
  v_done     integer := 0;
  v_email    text;
  v_page     text;
  v_may_be_name boolean := false;  -- a company name, if nothing else matches
  v_domain   text;
  v_name     text;
  v_entity   record;
  v_company  enrich.normalized_companies;
  v_person   enrich.normalized_people;
  v_old      uuid[];
  v_items    uuid[];
  v_found    jsonb := '[]';
  v_view     jsonb;
begin
  if v_value is null then
    return jsonb_build_object('value', p_value, 'read_as', '[]'::jsonb, 'entities', '[]'::jsonb);
  end if;

  -- 1. What the value can be. An id (of an entity, or of one merged into another), an
  --    identifier as stored (an export's company_key / person_key), an email, a LinkedIn
  --    profile, lead or company page, a bare numeric LinkedIn company id, a domain or URL.
  if v_value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    v_types := v_types || 'any'::text; v_kinds := v_kinds || 'id'::text;
    v_values := v_values || lower(v_value);
  elsif v_value ~* '^linkedin-id:[0-9]+$' then
    v_types := v_types || 'company'::text; v_kinds := v_kinds || 'linkedin_company_id'::text;
    v_values := v_values || lower(v_value);
  elsif v_value ~* '^linkedin-sales:.' then
    v_types := v_types || 'person'::text; v_kinds := v_kinds || 'linkedin_sales'::text;
    v_values := v_values || ('linkedin-sales:' || substr(v_value, 16));
  elsif v_value ~* '^name:.*@[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    v_types := v_types || 'person'::text; v_kinds := v_kinds || 'name_at_company'::text;
    v_values := v_values || enrich._lower(v_value);
  elsif v_value ~* '^name:' then
    v_name := enrich.normalize_company_name(substr(v_value, 6));
    if v_name is not null then
      v_types := v_types || 'company'::text; v_kinds := v_kinds || 'name'::text;
      v_values := v_values || ('name:' || v_name);
    end if;
  else
    v_email := enrich.normalize_email(v_value);
    if v_email is not null then
      v_types := v_types || 'person'::text; v_kinds := v_kinds || 'email'::text;
      v_values := v_values || v_email;
    end if;
    if enrich.normalize_linkedin_url(v_value) is not null then
      v_types := v_types || 'person'::text; v_kinds := v_kinds || 'linkedin'::text;
      v_values := v_values || enrich.normalize_linkedin_url(v_value);
    end if;
    if enrich.normalize_linkedin_sales_url(v_value) is not null then
      v_types := v_types || 'person'::text; v_kinds := v_kinds || 'linkedin_sales'::text;
      v_values := v_values || enrich.normalize_linkedin_sales_url(v_value);
    end if;
    v_page := coalesce(enrich.normalize_linkedin_company_url(v_value),
                       case when v_value ~ '^[0-9]{1,20}$' then 'linkedin-id:' || v_value end);
    if v_page is not null then
      v_types := v_types || 'company'::text;
      v_kinds := v_kinds || case when v_page like 'linkedin-id:%' then 'linkedin_company_id'
                                 else 'linkedin_page' end;
      v_values := v_values || v_page;
    end if;
    v_may_be_name := v_value !~ '(@|://)'
                     and (cardinality(v_kinds) = 0 or v_value ~ '^[0-9]{1,20}$');
    if cardinality(v_kinds) = 0 then
      -- a platform's host (linkedin.com, github.com) is never a company's domain
      v_domain := enrich.registrable_domain(v_value);
      if v_domain is not null and not enrich._is_platform_domain(v_domain) then
        v_types := v_types || 'company'::text; v_kinds := v_kinds || 'domain'::text;
        v_values := v_values || v_domain;
      end if;
    end if;
  end if;

  -- 2. The entities the readings name; then, for what found nothing, the weaker readings:
  --    an email's company (by its domain, unless free mail) when no person has the address,
  --    and a company name when nothing else matched (not for emails, URLs, ids or keys).
  for v_phase in 1 .. 2 loop
    select coalesce(array_agg(f.entity_type order by f.ord), '{}'),
           coalesce(array_agg(f.id order by f.ord), '{}'),
           coalesce(array_agg(f.kind order by f.ord), '{}'),
           coalesce(array_agg(f.value order by f.ord), '{}')
      into v_f_types, v_f_ids, v_f_kinds, v_f_values
      from (select * from unnest(v_f_types, v_f_ids, v_f_kinds, v_f_values)
                     with ordinality as o(entity_type, id, kind, value, ord)
            union all
            select x.entity_type, x.id, x.kind, x.value, 1000000 + r.ord
            from unnest(v_types, v_kinds, v_values) with ordinality as r(entity_type, kind, value, ord)
            cross join lateral (
              select 'company' as entity_type, i.company_id as id, r.kind, r.value
              from enrich.company_identifiers i
              where r.entity_type = 'company' and i.value = r.value and i.kind = r.kind
              union all  -- the names seen on the rows of strongly identified companies
              select 'company', n.company_id, r.kind, r.value
              from enrich.company_names n
              where r.entity_type = 'company' and r.kind = 'name'
                and n.name = substr(r.value, 6)
              union all
              select 'person', i.person_id, r.kind, r.value
              from enrich.person_identifiers i
              where r.entity_type = 'person' and i.value = r.value and i.kind = r.kind
              union all
              select 'company', c.id, r.kind, r.value
              from enrich.normalized_companies c
              where r.kind = 'id' and c.id = r.value::uuid
              union all
              select 'person', p.id, r.kind, r.value
              from enrich.normalized_people p
              where r.kind = 'id' and p.id = r.value::uuid
              union all  -- an id merged away lives on as its survivor
              select d.entity_type, d.entity_id, 'merged_id', r.value
              from enrich.entity_redirects d
              where r.kind = 'id' and d.old_id = r.value::uuid
            ) x
            where r.ord > v_done) f;
    exit when v_phase = 2;
    v_done := cardinality(v_kinds);
    if v_email is not null and not ('person' = any(v_f_types)) then
      v_domain := enrich.company_key(null, null, v_email);
      if v_domain is not null then
        v_types := v_types || 'company'::text; v_kinds := v_kinds || 'domain'::text;
        v_values := v_values || v_domain;
      end if;
    elsif v_may_be_name and cardinality(v_f_ids) = 0 then
      v_name := enrich.normalize_company_name(v_value);
      if v_name is not null then
        v_types := v_types || 'company'::text; v_kinds := v_kinds || 'name'::text;
        v_values := v_values || ('name:' || v_name);
      end if;
    end if;
    exit when cardinality(v_kinds) = v_done;
  end loop;

  -- 3. Each entity found (once, however many readings found it), in the order found.
  for v_entity in
    select f.entity_type, f.id,
           jsonb_agg(distinct jsonb_build_object('kind', f.kind, 'value', f.value)) as found_by
    from unnest(v_f_types, v_f_ids, v_f_kinds, v_f_values)
         with ordinality as f(entity_type, id, kind, value, ord)
    group by f.entity_type, f.id
    order by min(f.ord)
  loop
    v_old := array(select r.old_id from enrich.entity_redirects r where r.entity_id = v_entity.id);
    if v_entity.entity_type = 'company' then
      select * into v_company from enrich.normalized_companies c where c.id = v_entity.id;
      continue when not found;  -- an identifier of no live company (check_invariants says so)
      v_items := array(select distinct ws.item_id from enrich.workflow_states ws
                        where ws.entity_id = v_entity.id);
      v_view := jsonb_build_object(
        'domain', v_company.domain, 'name', v_company.name, 'website', v_company.website,
        'identifiers', coalesce((
          select jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value)
                           order by array_position(array['domain', 'linkedin_page',
                                    'linkedin_company_id', 'name'], i.kind), i.value)
          from enrich.company_identifiers i where i.company_id = v_entity.id), '[]'),
        'names', coalesce((select jsonb_agg(n.name order by n.name) from enrich.company_names n
                            where n.company_id = v_entity.id), '[]'),
        'people', (select count(*) from enrich.normalized_people p
                    where p.company_id = v_entity.id),
        'workflows', coalesce((
          select jsonb_agg(jsonb_build_object(
                   'workflow', s.workflow_slug, 'status', s.status, 'attempts', s.attempts,
                   'paid_calls', s.paid_calls, 'last_error', s.last_error,
                   'completed_at', s.completed_at, 'result', r.data, 'result_at', r.created_at)
                 order by s.workflow_slug)
          from enrich.company_workflow_states s
          left join lateral (select r.data, r.created_at from enrich.company_enrichment_results r
                              where r.company_id = s.company_id
                                and r.workflow_slug = s.workflow_slug
                              order by r.created_at desc limit 1) r on true
          where s.company_id = v_entity.id), '[]'));
    else
      select * into v_person from enrich.normalized_people p where p.id = v_entity.id;
      continue when not found;
      -- its rows at its step, and those of its company's rows that name it and have not
      -- reached its step yet (a person's step comes after the company's)
      v_items := array(select ws.item_id from enrich.workflow_states ws
                        where ws.entity_id = v_entity.id
                       union
                       select i.id from enrich.workflow_states ws
                         join enrich.batch_items i on i.id = ws.item_id
                        where ws.entity_id = v_person.company_id
                          and i.person_id = any(v_old || v_entity.id));
      v_view := jsonb_build_object(
        'person_key', v_person.person_key, 'full_name', v_person.full_name,
        'email', v_person.email, 'linkedin_url', v_person.linkedin_url,
        'title', v_person.title,
        'company', (select jsonb_build_object('id', c.id, 'domain', c.domain, 'name', c.name)
                      from enrich.normalized_companies c where c.id = v_person.company_id),
        'identifiers', coalesce((
          select jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value)
                           order by array_position(array['linkedin', 'linkedin_sales', 'email',
                                    'name_at_company'], i.kind), i.value)
          from enrich.person_identifiers i where i.person_id = v_entity.id), '[]'),
        'workflows', coalesce((
          select jsonb_agg(jsonb_build_object(
                   'workflow', s.workflow_slug, 'status', s.status, 'attempts', s.attempts,
                   'paid_calls', s.paid_calls, 'last_error', s.last_error,
                   'completed_at', s.completed_at, 'result', r.data, 'result_at', r.created_at)
                 order by s.workflow_slug)
          from enrich.person_workflow_states s
          left join lateral (select r.data, r.created_at from enrich.person_enrichment_results r
                              where r.person_id = s.person_id
                                and r.workflow_slug = s.workflow_slug
                              order by r.created_at desc limit 1) r on true
          where s.person_id = v_entity.id), '[]'));
    end if;
    v_found := v_found || (v_view || jsonb_build_object(
      'entity_type', v_entity.entity_type, 'id', v_entity.id, 'found_by', v_entity.found_by,
      -- every merge in its history names one of its former ids as the loser
      'merges', case when cardinality(v_old) = 0 then '[]'::jsonb else coalesce((
        select jsonb_agg(jsonb_build_object(
                 'id', m.id, 'survivor_id', m.survivor_id, 'loser_id', m.loser_id,
                 'linked_by', m.linked_by, 'batch_id', m.batch_id, 'cause', m.cause,
                 'merged_at', m.merged_at) order by m.id)
        from enrich.entity_merges m
        where m.entity_type = v_entity.entity_type and m.loser_id = any(v_old)), '[]') end,
      'batches', coalesce((
        select jsonb_agg(jsonb_build_object('batch_id', b.id, 'pipeline', b.pipeline,
                                            'status', b.status, 'created_at', b.created_at,
                                            'items', x.items)
                         order by b.created_at desc, b.id)
        from (select i.batch_id, count(*) as items from enrich.batch_items i
               where i.id = any(v_items) group by 1) x
        join enrich.batches b on b.id = x.batch_id), '[]')));
    if p_rows > 0 then  -- the newest of those rows, with their input
      v_found := jsonb_set(v_found, array[(jsonb_array_length(v_found) - 1)::text, 'rows'],
        coalesce((
          select jsonb_agg(jsonb_build_object('batch_id', l.batch_id, 'row_number', l.row_number,
                                              'status', l.status, 'input', l.data)
                           order by l.created_at desc, l.batch_id, l.row_number)
          from (select i.batch_id, i.row_number, i.status, i.data, i.created_at
                  from enrich.batch_items i where i.id = any(v_items)
                 order by i.created_at desc, i.batch_id, i.row_number
                 limit p_rows) l), '[]'));
    end if;
  end loop;

  return jsonb_build_object(
    'value', v_value,
    'read_as', coalesce((select jsonb_agg(jsonb_build_object('entity_type', r.entity_type,
                                                             'kind', r.kind, 'value', r.value)
                                          order by r.ord)
                         from unnest(v_types, v_kinds, v_values)
                              with ordinality as r(entity_type, kind, value, ord)), '[]'),
    'entities', v_found);
end;
$$;
comment on function enrich.lookup_entity(text, integer) is
  'The companies and people a value names, read as a load reads it: an entity id (one merged '
  'away: its survivor), an email (its person; its company when no person has it), a LinkedIn '
  'profile, Sales Navigator lead or company page, a numeric LinkedIn company id, a domain or '
  'website, a stored key (linkedin-id:, linkedin-sales:, name:), or else a company name (the '
  'name-only company and every company whose rows carried the name). Returns {value, '
  'read_as: [{entity_type, kind, value}], entities: [...]}; each entity has entity_type, id, '
  'found_by, identifiers, workflows (state, paid calls, attempts, newest result), merges '
  '(from entity_merges), batches (id, pipeline, status, items linking to it), with p_rows > 0 '
  'rows: the newest p_rows of those rows with their input; for a company its names and '
  'people count, for a person its company. read_as empty: the value names nothing that can '
  'be looked up.';
