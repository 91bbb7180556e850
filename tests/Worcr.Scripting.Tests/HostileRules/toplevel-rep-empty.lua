-- worcr-rule: name=toplevel-rep-empty kind=weight
-- expect: failed while loading: exceeded its (instruction|time) budget
local s = string.rep('', math.maxinteger)
function weight(job, worker) return 1 end
