-- enrich.get_company_id_for_item: the company a batch item was linked to by split.
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_company_id_for_item(p_item_id uuid) returns uuid
language sql stable set search_path = '' as $$
  select i.company_id from enrich.batch_items i where i.id = p_item_id
$$;
comment on function enrich.get_company_id_for_item(uuid) is
  'The company of a batch item (set by split); NULL if unknown.';
