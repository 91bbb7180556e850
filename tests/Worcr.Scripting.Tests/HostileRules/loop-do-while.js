// worcr-rule: name=loop-do-while kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  do ; while (1);
  return 1;
}
