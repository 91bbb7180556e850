-- worcr-rule: name=c-format-in-loop kind=weight
-- expect: (exceeded its (instruction|time) budget|threw: .*bad argument)
function weight(job, worker)
  do local f = string.rep('%s', 400) while true do string.format(f, table.unpack({}, 1, 400)) end end
  return 1
end
