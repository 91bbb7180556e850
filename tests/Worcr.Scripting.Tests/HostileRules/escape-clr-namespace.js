// worcr-rule: name=escape-clr-namespace kind=weight
// expect: threw: 
function weight(job, worker) {
  System.IO.File.ReadAllText('/etc/passwd');
  return 1;
}
