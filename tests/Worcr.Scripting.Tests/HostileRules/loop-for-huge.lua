-- worcr-rule: name=loop-for-huge kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do for i = 1, math.huge do end end
  return 1
end
