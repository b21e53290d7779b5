"""The built-in workflows migration 0001 creates; their names are part of the contract
(step names of the built-in pipelines `company` and `company_and_person`)."""

COMPANY_WORKFLOW = "enrich_company_via_waterfall_in_clay"
PERSON_WORKFLOW = "enrich_person_via_waterfall_in_clay"
WORKFLOWS = (COMPANY_WORKFLOW, PERSON_WORKFLOW)
