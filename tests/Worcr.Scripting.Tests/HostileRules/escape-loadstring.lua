-- worcr-rule: name=escape-loadstring kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do loadstring('return 1')() end
  return 1
end
