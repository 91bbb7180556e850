-- worcr-rule: name=c-rep-empty-method kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do (''):rep(math.maxinteger, '') end
  return 1
end
