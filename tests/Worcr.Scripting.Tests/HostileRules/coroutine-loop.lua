-- worcr-rule: name=coroutine-loop kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do coroutine.wrap(function() while true do end end)() end
  return 1
end
