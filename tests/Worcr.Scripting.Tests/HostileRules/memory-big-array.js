// worcr-rule: name=memory-big-array kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  const a = new Array(1e9).fill(0);
  return 1;
}
