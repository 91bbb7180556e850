-- worcr-rule: name=escape-collectgarbage kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do collectgarbage('stop') end
  return 1
end
