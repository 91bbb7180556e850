// worcr-rule: name=escape-import-namespace kind=weight
// expect: threw: 
function weight(job, worker) {
  importNamespace('System.IO');
  return 1;
}
