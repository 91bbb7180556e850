-- worcr-rule: name=pattern-find kind=weight
-- expect: threw: .*(is not callable|attempt to (call|index)).*nil value
function weight(job, worker)
  do return string.rep('a', 30):find('(.-)(.-)(.-)(.-)(.-)(.-)x') end
  return 1
end
