// worcr-rule: name=escape-proto kind=weight
// expect: threw: 
function weight(job, worker) {
  ({}).__proto__.constructor.constructor('return 1')();
  return 1;
}
