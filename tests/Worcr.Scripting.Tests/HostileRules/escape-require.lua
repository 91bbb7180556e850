-- worcr-rule: name=escape-require kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do require('os') end
  return 1
end
