// worcr-rule: name=memory-array-push kind=weight
// expect: (ran out of memory.*|exceeded its (statement|time) budget|threw: RangeError.*)
function weight(job, worker) {
  const a = []; for (;;) { a.push({ a: 1, b: 'two' }); }
  return 1;
}
