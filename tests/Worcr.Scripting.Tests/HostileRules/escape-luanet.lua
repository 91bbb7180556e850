-- worcr-rule: name=escape-luanet kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do luanet.import_type('System.IO.File') end
  return 1
end
