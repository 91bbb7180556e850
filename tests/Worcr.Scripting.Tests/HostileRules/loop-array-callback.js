// worcr-rule: name=loop-array-callback kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  [1].forEach(function f() { for (;;) { } });
  return 1;
}
