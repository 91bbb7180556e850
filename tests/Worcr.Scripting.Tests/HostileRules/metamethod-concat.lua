-- worcr-rule: name=metamethod-concat kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do local t = setmetatable({}, { __concat = function(a, b) return a .. b end }) return t .. 'x' end
  return 1
end
