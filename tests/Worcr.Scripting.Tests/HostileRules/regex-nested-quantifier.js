// worcr-rule: name=regex-nested-quantifier kind=weight
// expect: (ran a regular expression past its time budget|exceeded its (statement|time) budget)
function weight(job, worker) {
  /(a+)+$/.test('a'.repeat(60) + '!');
  return 1;
}
