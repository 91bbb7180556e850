// worcr-rule: name=recursion-to-primitive kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  const o = { [Symbol.toPrimitive]() { return `${o}`; } }; `${o}`;
  return 1;
}
