-- worcr-rule: name=loop-goto kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do ::top:: goto top end
  return 1
end
