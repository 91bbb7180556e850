-- worcr-rule: name=escape-os kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do os.execute('touch /tmp/worcr-hacked') end
  return 1
end
