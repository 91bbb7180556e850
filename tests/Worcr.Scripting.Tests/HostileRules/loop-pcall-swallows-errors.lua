-- worcr-rule: name=loop-pcall-swallows-errors kind=weight
-- expect: exceeded its (instruction|time) budget
function weight(job, worker)
  do while true do pcall(error, 'x') end end
  return 1
end
