// worcr-rule: name=recursion-proxy-trap kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const p = new Proxy({}, { get: (t, k) => p[k] }); p.x;
  return 1;
}
