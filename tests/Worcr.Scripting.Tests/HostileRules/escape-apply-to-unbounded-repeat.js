// worcr-rule: name=escape-apply-to-unbounded-repeat kind=weight
// expect: threw: RangeError: String.prototype.repeat would make a string of 268435456 characters.*
function weight(job, worker) {
  let original = null;
  const apply = Function.prototype.apply;
  Function.prototype.apply = function (self, args) { original = original || this; return apply.call(this, self, args); };
  'x'.repeat(1);
  Function.prototype.apply = apply;
  const unbounded = original || String.prototype.repeat;
  return unbounded.call('x', 1 << 28).length;
}
