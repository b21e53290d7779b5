-- enrich.workflows_overview: every workflow as list_workflows shows it, without its webhooks'
-- URLs (a Clay webhook URL works as a credential): what the dashboard's read-only role reads.

create or replace function enrich.workflows_overview()
returns setof jsonb
language sql stable set search_path = '' as $$
  select w || jsonb_build_object('webhooks', coalesce(
           (select jsonb_agg(h.hook - 'url' order by h.n)
              from jsonb_array_elements(w -> 'webhooks') with ordinality as h(hook, n)), '[]'))
  from enrich.list_workflows() w
$$;
comment on function enrich.workflows_overview() is
  'list_workflows() without the webhooks'' URLs: settings, spend today, why work waits, and '
  'per webhook its position, submissions and what is left.';
