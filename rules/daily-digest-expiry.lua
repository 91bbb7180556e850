-- worcr-rule: name=daily-digest-expiry kind=enqueue order=10
-- A daily digest that has not been sent within 12 hours is stale: let it expire.
local TWELVE_HOURS = 12 * 60 * 60

function on_enqueue(job)
  if job.type == 'email.digest' then
    return { expires_at = job.enqueued_at + TWELVE_HOURS }
  end
  return nil
end
