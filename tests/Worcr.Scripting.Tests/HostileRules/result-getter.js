// worcr-rule: name=result-getter kind=enqueue
// expect: getter or setter
function on_enqueue(job) {
  return { get weight() { for (;;) { } } };
}
