// worcr-rule: name=toplevel-loop kind=weight
// expect: failed while loading: exceeded its (statement|time) budget
for (;;) { }
function weight(job, worker) { return 1; }
