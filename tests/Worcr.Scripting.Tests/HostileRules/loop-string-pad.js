// worcr-rule: name=loop-string-pad kind=weight
// expect: (exceeded its (statement|time) budget|ran out of memory.*|threw: RangeError.*)
function weight(job, worker) {
  'x'.padEnd(2 ** 30, 'ab');
  return 1;
}
