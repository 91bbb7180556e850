-- worcr-rule: name=metamethod-lt-loop kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do local m = { __lt = function() while true do end end } table.sort({ setmetatable({}, m), setmetatable({}, m) }) end
  return 1
end
