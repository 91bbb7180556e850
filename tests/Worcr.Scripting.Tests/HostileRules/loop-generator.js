// worcr-rule: name=loop-generator kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  function* g() { for (;;) yield 1; } for (const x of g()) { }
  return 1;
}
