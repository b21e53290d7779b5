-- enrich._refuse_deleting_used_workflows: a workflow that a pipeline, or a batch whose items
-- can still reach it, names cannot be deleted (EN005, saying which and what to do).

create or replace function enrich._refuse_deleting_used_workflows(p_slugs text[]) returns void
language plpgsql set search_path = '' as $$
declare
  v_slug      text;
  v_pipelines text;
  v_batches   bigint;
begin
  select u.slug, u.pipelines, u.batches into v_slug, v_pipelines, v_batches
  from (select o.slug,
               (select string_agg(p.name, ', ' order by p.name) from enrich.pipelines p
                 where o.slug = any(p.steps)) as pipelines,
               (select count(*) from enrich.batches b
                 where o.slug = any(b.steps)
                   and (b.status <> 'COMPLETED'
                        -- a late result or enrich retry revives a failed item: it moves on
                        or exists (select from enrich.batch_items i
                                    where i.batch_id = b.id and i.status = 'FAILED'))) as batches
          from unnest(p_slugs) as o(slug)) u
  where u.pipelines is not null or u.batches > 0
  order by u.slug limit 1;
  if v_slug is not null then
    raise exception using errcode = 'EN005',
      message = format('workflow %s is still in use: %s', quote_literal(v_slug),
                       concat_ws(' and ',
                         'pipeline ' || v_pipelines,
                         case when v_batches > 0
                              then v_batches || ' batch(es) whose items can still reach it' end)),
      detail = 'A batch can reach it while it is unfinished, or while it has failed items '
               || '(a late result or enrich retry revives them and they move on).',
      hint = 'Take it out of the pipelines (enrich pipeline set), let its batches finish and '
             || 'prune those (enrich prune) first: their items would never finish.';
  end if;
end;
$$;
