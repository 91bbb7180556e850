// worcr-rule: name=loop-while kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  while (true) { }
  return 1;
}
