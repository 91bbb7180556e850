-- worcr-rule: name=escape-rawset kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do rawset(_G, 'x', 1) end
  return 1
end
