-- worcr-rule: name=escape-string-dump kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do string.dump(weight) end
  return 1
end
