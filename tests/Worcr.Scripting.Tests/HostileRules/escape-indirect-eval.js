// worcr-rule: name=escape-indirect-eval kind=weight
// expect: threw: 
function weight(job, worker) {
  (0, globalThis['ev' + 'al'])('1');
  return 1;
}
