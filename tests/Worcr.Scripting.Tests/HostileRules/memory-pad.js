// worcr-rule: name=memory-pad kind=weight
// expect: (ran out of memory.*|threw: RangeError.*)
function weight(job, worker) {
  const s = ''.padEnd(2 ** 29, 'ab');
  return s.indexOf('c');
}
