// worcr-rule: name=escape-eval kind=weight
// expect: threw: 
function weight(job, worker) {
  eval('for (;;) { }');
  return 1;
}
