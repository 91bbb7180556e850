-- worcr-rule: name=loop-inside-pcall kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do while true do pcall(function() while true do end end) end end
  return 1
end
