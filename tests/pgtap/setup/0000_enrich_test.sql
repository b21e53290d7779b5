-- Test-only helpers for the pgTAP suite (schema enrich_test). Installed by
-- tests/pgtap/run.py on the scratch database; never by a migration.

create schema if not exists enrich_test;

create table if not exists enrich_test.key_vectors (
  kind     text not null,   -- company | person
  source   text not null,   -- file the case came from
  field    text not null,
  input    text not null,
  expected text             -- NULL: no key from that field
);

-- The seed plan's Stage 7 scenario: 6 people from 3 companies (2 each).
create or replace function enrich_test.stage7_rows() returns jsonb
language sql immutable as $$
  select '[
    {"email": "ann@alpha.com",   "first_name": "Ann",   "last_name": "A", "company_domain": "alpha.com"},
    {"email": "al@alpha.com",    "first_name": "Al",    "last_name": "A", "company_website": "https://www.alpha.com/team"},
    {"email": "bea@beta.io",     "first_name": "Bea",   "last_name": "B", "company_domain": "beta.io"},
    {"email": "bo@beta.io",      "first_name": "Bo",    "last_name": "B"},
    {"email": "cy@gamma.co.uk",  "first_name": "Cy",    "last_name": "C", "company_domain": "shop.gamma.co.uk"},
    {"email": "cat@gamma.co.uk", "first_name": "Cat",   "last_name": "C", "company_domain": "GAMMA.CO.UK"}
  ]'::jsonb
$$;

create or replace function enrich_test.company_id(p_domain text) returns uuid
language sql stable as $$ select id from enrich.normalized_companies where domain = p_domain $$;

create or replace function enrich_test.item_id(p_batch uuid, p_row integer) returns uuid
language sql stable as $$
  select id from enrich.batch_items where batch_id = p_batch and row_number = p_row
$$;

create or replace function enrich_test.step_status(p_batch uuid, p_row integer, p_step text)
returns text
language sql stable as $$
  select ws.status from enrich.workflow_states ws
  where ws.item_id = enrich_test.item_id(p_batch, p_row) and ws.step_name = p_step
$$;

create or replace function enrich_test.step_counts(p_batch uuid, p_step text)
returns table (status text, items bigint)
language sql stable as $$
  select ws.status, count(*) from enrich.workflow_states ws
  join enrich.batch_items i on i.id = ws.item_id
  where i.batch_id = p_batch and ws.step_name = p_step
  group by ws.status order by ws.status
$$;

-- Answer every in-flight entity of a workflow with a result, as Clay would.
create or replace function enrich_test.deliver_all(p_slug text) returns bigint
language sql as $$
  select count(enrich.receive_result(p_slug, jsonb_build_object(
           d.entity_type || '_id', d.entity_id, 'enriched', true)))
  from (select entity_type, entity_id from enrich.dispatches where workflow_slug = p_slug
        order by id) d
$$;

-- Claim, POST (pretend) and mark sent every due dispatch; returns how many.
create or replace function enrich_test.send_all(p_worker text default 'test-worker') returns bigint
language sql as $$
  select count(enrich.mark_dispatch_sent(c.dispatch_id, p_worker))
  from enrich.claim_dispatches(p_worker, 1000) c
$$;

-- Move every dispatch's clock back so leases and deadlines have expired and it is due.
create or replace function enrich_test.expire_dispatches() returns void
language sql as $$
  update enrich.dispatches
     set available_at = now() - interval '1 hour',
         leased_until = case when status = 'LEASED' then now() - interval '1 second' end,
         callback_deadline = case when status = 'SENT' then now() - interval '1 second' end,
         sent_at = case when status = 'SENT' then now() - interval '1 hour' end
$$;

-- The built-in workflows get a (never contacted) webhook and no practical rate limit, so
-- tests can claim at will; rate and webhook tests set their own values.
select enrich.set_workflow('enrich_company_via_waterfall_in_clay', array['http://clay.test/company'],
                           p_rate_per_second => 1000000, p_burst => 1000000);
select enrich.set_workflow('enrich_person_via_waterfall_in_clay', array['http://clay.test/person'],
                           p_rate_per_second => 1000000, p_burst => 1000000);
select enrich.set_workspace('default', 1000000, 1000000);
update enrich.workflows set rate_tokens = burst;
update enrich.workspaces set rate_tokens = burst;

-- The kept counts agree with a full count, and batch_status's item counts with the items.
create or replace function enrich_test.counts_are_exact(p_batch uuid) returns boolean
language sql stable as $$
  select not exists (select from enrich.check_invariants() v
                      where v.invariant in ('batch_counts_disagree',
                                            'item_status_disagrees_with_steps'))
     and enrich.batch_status(p_batch) -> 'items'
         = coalesce((select jsonb_object_agg(s.status, s.n)
                       from (select i.status, count(*) as n from enrich.batch_items i
                              where i.batch_id = p_batch group by 1) s), '{}')
$$;
