// worcr-rule: name=loop-for-empty kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  for (;;);
  return 1;
}
