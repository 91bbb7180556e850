-- worcr-rule: name=c-table-move kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do table.move({}, 1, math.maxinteger - 1, 1) end
  return 1
end
