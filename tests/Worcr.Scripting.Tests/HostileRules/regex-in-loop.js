// worcr-rule: name=regex-in-loop kind=weight
// expect: (ran a regular expression past its time budget|exceeded its (statement|time) budget)
function weight(job, worker) {
  for (;;) { /(a+)+$/.test('a'.repeat(20) + '!'); }
  return 1;
}
