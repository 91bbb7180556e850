// worcr-rule: name=memory-typed-array kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  const a = new Uint8Array(2 ** 31);
  return 1;
}
