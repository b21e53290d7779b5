-- enrich._follow_redirects: items that still name an entity merged away (they had not reached
-- its step when it merged; the step would redirect them on entry) are pointed at the
-- survivor now, in one pass over the items. For upgrades and repairs (enrich db migrate after
-- it merged entities): the merges of a load redirect items lazily and never scan every item.

create or replace function enrich._follow_redirects() returns bigint
language plpgsql set search_path = '' as $$
declare
  v_moved bigint;
begin
  update enrich.batch_items i
     set company_id = coalesce(rc.entity_id, i.company_id),
         person_id = coalesce(rp.entity_id, i.person_id)
    from enrich.batch_items i2
    left join enrich.entity_redirects rc on rc.old_id = i2.company_id
    left join enrich.entity_redirects rp on rp.old_id = i2.person_id
   where i.id = i2.id and (rc.old_id is not null or rp.old_id is not null);
  get diagnostics v_moved = row_count;
  return v_moved;
end;
$$;
comment on function enrich._follow_redirects() is
  'Points every item that names a merged-away company or person at its survivor (one pass '
  'over the items); returns how many moved.';
