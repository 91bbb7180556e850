-- worcr-rule: name=escape-global-table kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do _G.os.exit() end
  return 1
end
