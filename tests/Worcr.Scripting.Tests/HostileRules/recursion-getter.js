// worcr-rule: name=recursion-getter kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const o = { get x() { return o.x; } }; o.x;
  return 1;
}
