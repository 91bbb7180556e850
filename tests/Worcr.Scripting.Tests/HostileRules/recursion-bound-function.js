// worcr-rule: name=recursion-bound-function kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  let f = function () { return g(); }; const g = f.bind(null); f();
  return 1;
}
