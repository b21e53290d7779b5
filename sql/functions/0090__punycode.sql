-- enrich._punycode: RFC 3492 Punycode of one label (without the "xn--" prefix), for the
-- A-label of an internationalised domain name (enrich._idna_host).

create or replace function enrich._punycode(p_label text) returns text
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  c_base  constant integer := 36;
  c_tmin  constant integer := 1;
  c_tmax  constant integer := 26;
  v_points  integer[] := array(select ascii(ch) from regexp_split_to_table(p_label, '') ch);
  v_output  text := array_to_string(array(select chr(p) from unnest(v_points) p where p < 128), '');
  v_basic   integer := length(v_output);
  v_handled integer := v_basic;
  v_n       integer := 128;
  v_delta   bigint := 0;
  v_bias    integer := 72;
  v_m       integer;
  v_q       bigint;
  v_k       integer;
  v_t       integer;
  v_point   integer;
  v_scaled  bigint;
begin
  if v_basic > 0 then
    v_output := v_output || '-';
  end if;
  while v_handled < cardinality(v_points) loop
    select min(p) into v_m from unnest(v_points) p where p >= v_n;
    v_delta := v_delta + (v_m - v_n)::bigint * (v_handled + 1);
    v_n := v_m;
    foreach v_point in array v_points loop
      if v_point < v_n then
        v_delta := v_delta + 1;
      elsif v_point = v_n then
        v_q := v_delta;
        v_k := c_base;
        loop
          v_t := case when v_k <= v_bias then c_tmin
                      when v_k >= v_bias + c_tmax then c_tmax
                      else v_k - v_bias end;
          exit when v_q < v_t;
          v_output := v_output || enrich._punycode_digit(v_t + (v_q - v_t) % (c_base - v_t));
          v_q := (v_q - v_t) / (c_base - v_t);
          v_k := v_k + c_base;
        end loop;
        v_output := v_output || enrich._punycode_digit(v_q);
        -- the bias adapts to the deltas seen so far (RFC 3492, section 6.1)
        v_scaled := case when v_handled = v_basic then v_delta / 700 else v_delta / 2 end;
        v_scaled := v_scaled + v_scaled / (v_handled + 1);
        v_k := 0;
        while v_scaled > ((c_base - c_tmin) * c_tmax) / 2 loop
          v_scaled := v_scaled / (c_base - c_tmin);
          v_k := v_k + c_base;
        end loop;
        v_bias := v_k + ((c_base - c_tmin + 1) * v_scaled) / (v_scaled + 38);
        v_delta := 0;
        v_handled := v_handled + 1;
      end if;
    end loop;
    v_delta := v_delta + 1;
    v_n := v_n + 1;
  end loop;
  return v_output;
end;
$$;
comment on function enrich._punycode(text) is
  'RFC 3492 Punycode of a label (no "xn--" prefix): "bücher" -> "bcher-kva".';
