-- worcr-rule: name=metamethod-tostring-loop kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do local t = setmetatable({}, { __tostring = function() while true do end end }) tostring(t) end
  return 1
end
