// worcr-rule: name=result-proxy kind=limit_key
// expect: unsupported object
function limit_keys(job) {
  return new Proxy([], { ownKeys() { for (;;) { } } });
}
