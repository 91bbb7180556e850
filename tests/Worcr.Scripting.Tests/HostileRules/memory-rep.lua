-- worcr-rule: name=memory-rep kind=weight
-- expect: (ran out of memory|threw: .*too large|exceeded its (statement|instruction|time) budget)
function weight(job, worker)
  do local s = string.rep('x', 1e9) end
  return 1
end
