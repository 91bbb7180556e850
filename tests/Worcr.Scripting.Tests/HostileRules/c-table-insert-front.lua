-- worcr-rule: name=c-table-insert-front kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local t = {} for i = 1, 60000 do t[i] = i end while true do table.insert(t, 1, 0) table.remove(t, 1) end end
  return 1
end
