-- export_csv_query: every kind of input value as its cell. Text a spreadsheet would run as a
-- formula gets an apostrophe (plain numbers stay numbers), nested JSON is compact, strings
-- that merely start like JSON stay as they are; raw cells are the values' own text.
begin;
select plan(2);
select enrich.create_batch('company', $$[
  {"email": "a@acme.com", "v": "Zebra"},
  {"email": "a@acme.com", "v": "=SUM(A1:A9)"},
  {"email": "a@acme.com", "v": "+1 555"},
  {"email": "a@acme.com", "v": "-5"},
  {"email": "a@acme.com", "v": "-5.2e3"},
  {"email": "a@acme.com", "v": "@handle"},
  {"email": "a@acme.com", "v": "\tindented"},
  {"email": "a@acme.com", "v": "\rreturn"},
  {"email": "a@acme.com", "v": "[not, json: really]"},
  {"email": "a@acme.com", "v": "{brace"},
  {"email": "a@acme.com", "v": [1, "a, b: c", {"k": null}]},
  {"email": "a@acme.com", "v": {"k": "x\"y, z", "n": [true]}},
  {"email": "a@acme.com", "v": ""},
  {"email": "a@acme.com", "v": null},
  {"email": "a@acme.com"},
  {"email": "a@acme.com", "v": 42},
  {"email": "a@acme.com", "v": false}
]$$) as batch_id \gset

select results_eq(enrich.export_csv_query(:'batch_id', '[{"input": "v"}]'),
  $$values ('Zebra'), ('''=SUM(A1:A9)'), ('''+1 555'), ('-5'), ('-5.2e3'), ('''@handle'),
           (e'''\tindented'), (e'''\rreturn'), ('[not, json: really]'), ('{brace'),
           ('[1,"a, b: c",{"k":null}]'), ('{"k":"x\"y, z","n":[true]}'), (''), (null), (null),
           ('42'), ('false')$$,
  'safe cells: formulas quoted, numbers and JSON-looking text kept, nested JSON compact');
select results_eq(enrich.export_csv_query(:'batch_id', '[{"input": "v"}]', true),
  $$values ('Zebra'), ('=SUM(A1:A9)'), ('+1 555'), ('-5'), ('-5.2e3'), ('@handle'),
           (e'\tindented'), (e'\rreturn'), ('[not, json: really]'), ('{brace'),
           ('[1,"a, b: c",{"k":null}]'), ('{"k":"x\"y, z","n":[true]}'), (''), (null), (null),
           ('42'), ('false')$$,
  'raw cells: the text as it is, nested JSON still compact');
select * from finish();
rollback;
