-- worcr-rule: name=pattern-match-method kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do return ('a'):rep(5000):match('^(a-)*b') end
  return 1
end
