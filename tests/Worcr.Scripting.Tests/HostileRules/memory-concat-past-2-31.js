// worcr-rule: name=memory-concat-past-2-31 kind=weight
// expect: threw: RangeError: Array.prototype.concat would make an array of 2500000000 elements
// Concatenating arrays whose lengths add up past 2^31 escaped Jint's length check and its memory limit: 50,000
// references to one array of 50,000 grew to 5.4 GB in 30 s. Two sparse arrays of 1.25e9 make the same length at once
// (the same sum, without the 50,000-argument call whose cost alone nears the budget on a busy machine).
function weight(job, worker) {
  const row = [];
  row.length = 1250000000;
  [].concat(row, row);
  return 1;
}
