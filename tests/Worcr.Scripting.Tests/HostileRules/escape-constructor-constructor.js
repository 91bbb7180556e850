// worcr-rule: name=escape-constructor-constructor kind=weight
// expect: threw: 
function weight(job, worker) {
  ({}).constructor.constructor('return this')();
  return 1;
}
