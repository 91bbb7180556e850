// worcr-rule: name=recursion-plain kind=weight
// expect: (threw: RangeError: Maximum call stack size exceeded.*|exceeded its recursion depth of \d+|exceeded its (statement|time) budget)
function weight(job, worker) {
  function f() { return f() + 1; } f();
  return 1;
}
