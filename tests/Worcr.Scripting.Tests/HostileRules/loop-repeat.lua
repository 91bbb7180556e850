-- worcr-rule: name=loop-repeat kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do repeat until false end
  return 1
end
