// worcr-rule: name=memory-array-buffer kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  const b = new ArrayBuffer(2 ** 33);
  return 1;
}
