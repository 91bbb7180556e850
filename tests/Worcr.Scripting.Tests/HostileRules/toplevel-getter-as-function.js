// worcr-rule: name=toplevel-getter-as-function kind=weight
// expect: does not define the function weight\(\)
Object.defineProperty(globalThis, 'weight', { get() { for (;;) { } } });
