-- worcr-rule: name=c-format-huge-width kind=weight
-- expect: threw: .*invalid (conversion|format)
function weight(job, worker)
  do return string.format('%0999999999d', 1) end
  return 1
end
