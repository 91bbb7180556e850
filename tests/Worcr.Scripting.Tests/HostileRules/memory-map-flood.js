// worcr-rule: name=memory-map-flood kind=weight
// expect: (ran out of memory.*|exceeded its (statement|time) budget)
function weight(job, worker) {
  const m = new Map(); for (let i = 0; ; i++) { m.set(i, [i]); }
  return 1;
}
