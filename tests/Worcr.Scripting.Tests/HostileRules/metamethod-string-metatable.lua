-- worcr-rule: name=metamethod-string-metatable kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do getmetatable('').__index.rep = function() while true do end end end
  return 1
end
