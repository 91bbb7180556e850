-- worcr-rule: name=escape-package kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do package.loadlib('libc.so.6', 'system') end
  return 1
end
