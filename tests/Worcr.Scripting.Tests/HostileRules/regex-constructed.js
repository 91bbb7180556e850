// worcr-rule: name=regex-constructed kind=weight
// expect: (ran a regular expression past its time budget|exceeded its (statement|time) budget)
function weight(job, worker) {
  new RegExp('(x+x+)+y').test('x'.repeat(5000));
  return 1;
}
