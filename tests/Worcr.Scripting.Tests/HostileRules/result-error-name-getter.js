// worcr-rule: name=result-error-name-getter kind=weight
// expect: (threw: |exceeded its (statement|time) budget)
class Evil extends Error { get name() { for (;;) { } } }
function weight(job, worker) {
  throw new Evil('x');
}
