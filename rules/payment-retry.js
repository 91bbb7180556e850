// worcr-rule: name=payment-retry kind=retry order=10
// Payments retry after 30 s, 2 min and 10 min, then give up (the job is dead).
// Other jobs back off exponentially (10 s, 20 s, 40 s, ... at most 1 h); their max_attempts still applies.
var PAYMENT_DELAYS = [30, 120, 600];

function retry(job, attempt, error) {
  if (job.type.indexOf('payment.') !== 0) {
    return Math.min(Math.pow(2, attempt) * 5, 3600);
  }
  if (attempt > PAYMENT_DELAYS.length) {
    return false;
  }
  return PAYMENT_DELAYS[attempt - 1];
}
