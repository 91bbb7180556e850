// worcr-rule: name=memory-join-huge kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|time) budget)
function weight(job, worker) {
  const s = new Array(1e6).fill('x'.repeat(1e5)).join('');
  return s.length;
}
