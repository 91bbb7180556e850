-- worcr-rule: name=c-table-move-negative kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do table.move({}, math.mininteger + 2, -1, 1) end
  return 1
end
