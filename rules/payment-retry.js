// worcr-rule: name=payment-retry kind=retry order=10
// Payments retry after 30 s, 2 min and 10 min, then give up (the job is dead).
var PAYMENT_DELAYS = [30, 120, 600];

function retry(job, attempt, error) {
  if (job.type.indexOf('payment.') !== 0) {
    return 60 * attempt;
  }
  if (attempt > PAYMENT_DELAYS.length) {
    return false;
  }
  return PAYMENT_DELAYS[attempt - 1];
}
