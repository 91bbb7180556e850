// worcr-rule: name=escape-dynamic-import kind=weight
// expect: (threw: |used something rules cannot use|cannot be compiled|syntax error)
function weight(job, worker) {
  import('fs');
  return 1;
}
