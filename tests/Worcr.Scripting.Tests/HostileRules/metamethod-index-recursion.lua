-- worcr-rule: name=metamethod-index-recursion kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do local t = setmetatable({}, { __index = function(t, k) return t[k] end }) return t.x end
  return 1
end
