-- worcr-rule: name=escape-debug kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do debug.sethook() end
  return 1
end
