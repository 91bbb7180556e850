// worcr-rule: name=escape-prototype-of-generator kind=weight
// expect: threw: 
function weight(job, worker) {
  Object.getPrototypeOf(function* () { }).constructor('for (;;) { }')().next();
  return 1;
}
