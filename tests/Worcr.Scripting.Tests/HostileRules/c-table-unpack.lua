-- worcr-rule: name=c-table-unpack kind=weight
-- expect: (exceeded its (instruction|time) budget|too many results)
function weight(job, worker)
  do table.unpack({}, 1, 1e8) end
  return 1
end
