-- worcr-rule: name=escape-io kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do io.open('/etc/passwd'):read('a') end
  return 1
end
