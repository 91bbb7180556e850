// worcr-rule: name=loop-iterator-protocol kind=weight
// expect: (exceeded its (statement|time) budget|ran out of memory.*|threw: RangeError.*)
function weight(job, worker) {
  const it = { [Symbol.iterator]: () => ({ next: () => ({ done: false }) }) }; [...it];
  return 1;
}
