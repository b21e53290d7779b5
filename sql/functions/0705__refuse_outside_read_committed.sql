-- enrich._refuse_outside_read_committed: deleting or truncating workflows runs under READ
-- COMMITTED only; an older snapshot would miss the rows it must delete or look for.

create or replace function enrich._refuse_outside_read_committed(p_action text) returns void
language plpgsql set search_path = '' as $$
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception using errcode = 'EN005',
      message = format('%s workflows in a READ COMMITTED transaction', p_action),
      detail = 'Their entity states and dispatches are deleted with them, and the pipelines '
               || 'and batches still naming them are looked for: a '
               || current_setting('transaction_isolation')
               || ' snapshot would miss the ones committed since it was taken.';
  end if;
end;
$$;
