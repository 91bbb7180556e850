// worcr-rule: name=recursion-to-json kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const o = { toJSON() { return JSON.stringify(o); } }; JSON.stringify(o);
  return 1;
}
