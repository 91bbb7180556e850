// worcr-rule: name=escape-arrow-constructor kind=weight
// expect: threw: 
function weight(job, worker) {
  (() => 1).constructor('for (;;) { }')();
  return 1;
}
