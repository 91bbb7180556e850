-- worcr-rule: name=loop-while kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do while true do end end
  return 1
end
