// worcr-rule: name=memory-repeat kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  const s = 'x'.repeat(2 ** 28); s.indexOf('y');
  return 1;
}
