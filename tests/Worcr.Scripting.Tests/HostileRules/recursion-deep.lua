-- worcr-rule: name=recursion-deep kind=weight
-- expect: (ran out of memory|stack overflow|exceeded its (instruction|time) budget)
function weight(job, worker)
  do local function f(n) return 1 + f(n + 1) end f(1) end
  return 1
end
