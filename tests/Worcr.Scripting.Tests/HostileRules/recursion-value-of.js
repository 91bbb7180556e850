// worcr-rule: name=recursion-value-of kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const o = { valueOf() { return o * 2; } }; o * 2;
  return 1;
}
