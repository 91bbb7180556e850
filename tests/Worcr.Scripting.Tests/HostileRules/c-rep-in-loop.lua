-- worcr-rule: name=c-rep-in-loop kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do while true do local s = ('x'):rep(900000) end end
  return 1
end
