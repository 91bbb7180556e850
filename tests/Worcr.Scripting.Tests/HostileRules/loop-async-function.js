// worcr-rule: name=loop-async-function kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  (async () => { for (;;) { } })();
  return 1;
}
