-- worcr-rule: name=c-long-string-compare kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local a, b = ('a'):rep(500000), ('a'):rep(499999) .. 'a' local n = 0 while true do if a == b then n = n + 1 end end end
  return 1
end
