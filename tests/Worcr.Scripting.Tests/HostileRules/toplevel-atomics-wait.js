// worcr-rule: name=toplevel-atomics-wait kind=weight
// expect: failed while loading: threw: ReferenceError: (Atomics|SharedArrayBuffer) is not defined
const cell = new Int32Array(new SharedArrayBuffer(4));
Atomics.wait(cell, 0, 0);
function weight(job, worker) { return 1; }
