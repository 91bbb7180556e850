// worcr-rule: name=result-thrown-getter kind=weight
// expect: (threw: |exceeded its (statement|time) budget)
function weight(job, worker) {
  throw { get message() { for (;;) { } } };
}
