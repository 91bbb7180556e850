// worcr-rule: name=memory-string-doubling-used kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  let s = 'x'; for (;;) { s = s + s; s.charCodeAt(s.length - 1); }
  return 1;
}
