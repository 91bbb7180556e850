// worcr-rule: name=loop-array-from-length kind=weight
// expect: (exceeded its (statement|time) budget|ran out of memory.*|threw: RangeError.*)
function weight(job, worker) {
  Array.from({ length: 2 ** 32 - 1 });
  return 1;
}
