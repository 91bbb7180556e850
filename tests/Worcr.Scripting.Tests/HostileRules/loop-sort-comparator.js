// worcr-rule: name=loop-sort-comparator kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  [3, 1, 2].sort(() => { for (;;) { } });
  return 1;
}
