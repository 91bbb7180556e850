-- worcr-rule: name=escape-dofile kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do dofile('/etc/passwd') end
  return 1
end
