-- worcr-rule: name=c-utf8-scan-loop kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local s = ('a'):rep(1000000) while true do utf8.len(s) end end
  return 1
end
