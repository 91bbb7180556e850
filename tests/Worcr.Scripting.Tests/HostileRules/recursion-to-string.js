// worcr-rule: name=recursion-to-string kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const o = { toString() { return '' + o; } }; '' + o;
  return 1;
}
