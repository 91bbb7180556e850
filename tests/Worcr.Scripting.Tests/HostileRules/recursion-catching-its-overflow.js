// worcr-rule: name=recursion-catching-its-overflow kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  function f() { try { f(); } catch (e) { } f(); } f();
  return 1;
}
