-- enrich.start_batch: a loaded batch's unstarted items enter the pipeline's first step.
-- Shared by create_batch (JSON rows) and `enrich load` (COPY): one SQL path for the steps.

create or replace function enrich.start_batch(p_batch_id uuid) returns void
language plpgsql set search_path = '' as $$
declare
  v_first_step text;
begin
  select b.steps[1] into v_first_step from enrich.batches b where b.id = p_batch_id;
  if not found then
    raise exception using errcode = 'EN002', message = format('unknown batch %s', p_batch_id);
  end if;
  perform enrich._enter_step(v_first_step, array(
    select i.id from enrich.batch_items i
     where i.batch_id = p_batch_id
       and not exists (select from enrich.workflow_states ws where ws.item_id = i.id)
     order by i.row_number));
  perform enrich._refresh_batch_status(array[p_batch_id]);
end;
$$;
comment on function enrich.start_batch(uuid) is
  'Items of a batch that have not started enter the pipeline''s first step (used by '
  'create_batch and by `enrich load` after COPY). Safe to call again.';
