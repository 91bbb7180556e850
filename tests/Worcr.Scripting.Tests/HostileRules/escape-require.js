// worcr-rule: name=escape-require kind=weight
// expect: threw: 
function weight(job, worker) {
  require('fs');
  return 1;
}
