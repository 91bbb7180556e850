// worcr-rule: name=loop-labeled-continue kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  outer: for (;;) { for (;;) { continue outer; } }
  return 1;
}
