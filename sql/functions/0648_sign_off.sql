-- enrich.sign_off: a process that stops says so (one that is killed expires instead).

create or replace function enrich.sign_off(p_process text) returns void
language sql set search_path = '' as $$
  delete from enrich.processes p where p.id = p_process
$$;
comment on function enrich.sign_off(text) is 'A process that stops removes its row.';
