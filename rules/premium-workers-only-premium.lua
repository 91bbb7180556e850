-- worcr-rule: name=premium-workers-only-premium kind=weight order=20
-- Premium workers are reserved: a job without the premium tag may not run on them.
function weight(job, worker)
  if has(worker.tags, 'premium') and not has(job.tags, 'premium') then
    return 0
  end
  return 1
end
