-- enrich._punycode_digit: one Punycode digit (0-25: a-z, 26-35: 0-9).

create or replace function enrich._punycode_digit(p_digit bigint) returns text
language sql immutable parallel safe as $$
  select chr(case when p_digit < 26 then 97 + p_digit::integer else 22 + p_digit::integer end)
$$;
comment on function enrich._punycode_digit(bigint) is
  'One Punycode digit: 0-25 -> a-z, 26-35 -> 0-9.';
