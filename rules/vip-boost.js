// worcr-rule: name=vip-boost kind=weight order=11
// The JavaScript twin of premium-boost, for the "vip" tag (a different tag, so the two never stack).
function weight(job, worker) {
  if (has(job.tags, 'vip') && has(worker.tags, 'vip')) {
    return 10;
  }
  return 1;
}
