-- worcr-rule: name=c-table-sort-loop kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local t = {} for i = 1, 60000 do t[i] = (i * 7919) % 60000 end while true do table.sort(t) end end
  return 1
end
