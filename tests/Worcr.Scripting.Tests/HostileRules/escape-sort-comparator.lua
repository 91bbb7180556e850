-- worcr-rule: name=escape-sort-comparator kind=weight
-- expect: threw: .*comparator
function weight(job, worker)
  do table.sort({ 3, 1, 2 }, function(a, b) while true do end end) end
  return 1
end
