-- worcr-rule: name=c-long-string-less-than kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local a, b = ('a'):rep(500000), ('a'):rep(499999) .. 'b' local n = 0 while true do if a < b then n = n + 1 end end end
  return 1
end
