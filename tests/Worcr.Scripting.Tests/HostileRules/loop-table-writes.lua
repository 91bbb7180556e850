-- worcr-rule: name=loop-table-writes kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local t = {} local i = 0 while true do i = i + 1 t[i % 10 + 1] = i end end
  return 1
end
