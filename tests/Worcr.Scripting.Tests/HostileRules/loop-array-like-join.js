// worcr-rule: name=loop-array-like-join kind=weight
// expect: (exceeded its (statement|time) budget|ran out of memory.*|threw: RangeError.*)
function weight(job, worker) {
  Array.prototype.join.call({ length: 2 ** 32 - 1 }, '');
  return 1;
}
