-- worcr-rule: name=memory-many-strings kind=weight
-- expect: (ran out of memory|exceeded its (instruction|time) budget)
function weight(job, worker)
  do local t = {} for i = 1, 1e6 do t[i] = string.rep('y', 1000) .. i end end
  return 1
end
