// worcr-rule: name=block-atomics-wait kind=weight
// expect: threw: ReferenceError: (Atomics|SharedArrayBuffer) is not defined
function weight(job, worker) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  return 1;
}
