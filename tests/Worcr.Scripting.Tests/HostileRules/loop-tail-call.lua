-- worcr-rule: name=loop-tail-call kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local function f() return f() end return f() end
  return 1
end
