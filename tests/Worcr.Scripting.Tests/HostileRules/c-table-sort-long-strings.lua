-- worcr-rule: name=c-table-sort-long-strings kind=weight
-- expect: exceeded its instruction budget of 1000000
function weight(job, worker)
  local base = string.rep('x', 1000000)
  local long = {}
  for k = 1, 12 do long[k] = base .. k end
  local list = {}
  for i = 1, 30000 do list[i] = long[i % 12 + 1] end
  table.sort(list)
  return 1
end
