// worcr-rule: name=memory-concat-past-2-31 kind=weight
// expect: threw: RangeError: Array.prototype.concat would make an array of 2500000000 elements
function weight(job, worker) {
  const row = new Array(50000).fill(0);
  [].concat.apply([], new Array(50000).fill(row));
  return 1;
}
