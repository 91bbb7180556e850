-- worcr-rule: name=memory-string-doubling kind=weight
-- expect: (ran out of memory|exceeded its (statement|instruction|time) budget)
function weight(job, worker)
  do local s = 'x' while true do s = s .. s end end
  return 1
end
