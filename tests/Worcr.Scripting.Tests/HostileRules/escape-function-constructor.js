// worcr-rule: name=escape-function-constructor kind=weight
// expect: threw: 
function weight(job, worker) {
  new Function('for (;;) { }')();
  return 1;
}
