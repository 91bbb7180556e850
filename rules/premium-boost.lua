-- worcr-rule: name=premium-boost kind=weight order=10
-- Premium jobs run ten times as eagerly on premium workers.
function weight(job, worker)
  if has(job.tags, 'premium') and has(worker.tags, 'premium') then
    return 10
  end
  return 1
end
