# Used by tests/cli/t_markov.sh and t_detector.sh: jq -n --slurpfile got G --slurpfile want W -f json_near.jq
# max discrepancy between $got and $want over the keys of $want:
# |a - b| / (1e-8 |b| + 1e-12) for numbers (<= 1 passes), 1e9 for a mismatch
def d(a; b):
  if (b | type) == "number" then
    (if (a | type) == "number" then ((a - b) | fabs) / (1e-8 * (b | fabs) + 1e-12) else 1e9 end)
  elif (b | type) == "array" then
    (if (a | type) == "array" and (a | length) == (b | length)
     then ([range(0; b | length) as $i | d(a[$i]; b[$i])] | max // 0) else 1e9 end)
  elif (b | type) == "object" then
    (if (a | type) == "object" then ([b | keys[] as $k | d(a[$k]; b[$k])] | max // 0) else 1e9 end)
  elif b == null then (if a == null then 0 else 1e9 end)
  else (if a == b then 0 else 1e9 end) end;
d($got[0]; $want[0])
