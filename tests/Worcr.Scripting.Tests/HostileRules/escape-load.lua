-- worcr-rule: name=escape-load kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do load('while true do end')() end
  return 1
end
