-- worcr-rule: name=memory-table-flood kind=weight
-- expect: (ran out of memory|exceeded its (instruction|time) budget)
function weight(job, worker)
  do local t = {} for i = 1, 1e8 do t[i] = { i } end end
  return 1
end
