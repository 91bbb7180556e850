// worcr-rule: name=memory-string-doubling kind=weight
// expect: (ran out of memory.*|threw: RangeError.*|exceeded its (statement|instruction|time) budget)
function weight(job, worker) {
  let s = 'x'; for (;;) { s += s; }
  return 1;
}
