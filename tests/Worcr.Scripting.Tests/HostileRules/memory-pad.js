// worcr-rule: name=memory-pad kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  const s = ''.padEnd(2 ** 29, 'ab');
  return s.indexOf('c');
}
