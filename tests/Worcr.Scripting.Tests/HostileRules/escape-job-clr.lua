-- worcr-rule: name=escape-job-clr kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do return job.GetType().Assembly end
  return 1
end
