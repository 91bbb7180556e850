-- worcr-rule: name=toplevel-loop kind=weight
-- expect: failed while loading: exceeded its (instruction|time) budget
while true do end
function weight(job, worker) return 1 end
