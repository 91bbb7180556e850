-- worcr-rule: name=pattern-gsub kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do return ('a'):rep(30):gsub('(a*)*b', '') end
  return 1
end
