// worcr-rule: name=escape-set-timeout kind=weight
// expect: threw: 
function weight(job, worker) {
  setTimeout('for (;;) { }', 0);
  return 1;
}
