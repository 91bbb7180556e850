// worcr-rule: name=recursion-arrow kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const f = () => f(); f();
  return 1;
}
