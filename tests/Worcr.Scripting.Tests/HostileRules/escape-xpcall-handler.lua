-- worcr-rule: name=escape-xpcall-handler kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do xpcall(error, function() while true do end end) end
  return 1
end
