// worcr-rule: name=escape-host-function-tampering kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  Object.defineProperty(Array.prototype, 'indexOf', { get() { for (;;) { } } }); has([1], 1);
  return 1;
}
