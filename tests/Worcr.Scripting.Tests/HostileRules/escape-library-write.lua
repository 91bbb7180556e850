-- worcr-rule: name=escape-library-write kind=weight
-- expect: threw: .*read-only
function weight(job, worker)
  do string.upper = function() while true do end end end
  return 1
end
