-- worcr-rule: name=recursion-catching-its-overflow kind=weight
-- expect: (ran out of memory|stack overflow|exceeded its (instruction|time) budget)
function weight(job, worker)
  do local function f() pcall(f) f() end f() end
  return 1
end
