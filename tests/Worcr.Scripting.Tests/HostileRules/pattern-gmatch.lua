-- worcr-rule: name=pattern-gmatch kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do for w in ('a'):rep(30):gmatch('(a-)(a-)(a-)b') do end end
  return 1
end
