// worcr-rule: name=loop-array-like-fill kind=weight
// expect: (exceeded its (statement|time) budget|ran out of memory.*|threw: RangeError.*)
function weight(job, worker) {
  Array.prototype.fill.call({ length: 2 ** 53 - 1 }, 0);
  return 1;
}
