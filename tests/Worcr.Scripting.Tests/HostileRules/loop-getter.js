// worcr-rule: name=loop-getter kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  const o = { get x() { for (;;) { } } }; o.x;
  return 1;
}
