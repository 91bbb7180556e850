// worcr-rule: name=loop-try-catch kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  for (;;) { try { throw 1; } catch { } }
  return 1;
}
