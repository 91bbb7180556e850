// worcr-rule: name=loop-in-template kind=weight
// expect: exceeded its (statement|time) budget
function weight(job, worker) {
  `${(() => { for (;;) { } })()}`;
  return 1;
}
