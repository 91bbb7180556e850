-- worcr-rule: name=c-rep-empty kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do string.rep('', math.maxinteger) end
  return 1
end
