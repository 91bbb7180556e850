// worcr-rule: name=escape-get-type kind=weight
// expect: threw: 
function weight(job, worker) {
  job.GetType().Assembly;
  return 1;
}
