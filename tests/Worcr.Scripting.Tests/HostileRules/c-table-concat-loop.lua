-- worcr-rule: name=c-table-concat-loop kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do local t = {} for i = 1, 60000 do t[i] = '' end while true do table.concat(t) end end
  return 1
end
