// worcr-rule: name=loop-try-finally kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  try { for (;;) { } } finally { for (;;) { } }
  return 1;
}
