// worcr-rule: name=escape-async-constructor kind=weight
// expect: threw: 
function weight(job, worker) {
  Object.getPrototypeOf(async function () { }).constructor('for (;;) { }')();
  return 1;
}
