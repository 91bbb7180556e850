-- worcr-rule: name=host-limit-key kind=limit_key order=10
-- One limit key per destination host, so a limit on "host:api.example.com" caps calls to that host.
local function host_of(url)
  if type(url) ~= 'string' then return nil end
  local rest = url
  local scheme_end = nil
  for i = 1, #rest - 2 do
    if rest:sub(i, i + 2) == '://' then scheme_end = i + 2 break end
  end
  if scheme_end then rest = rest:sub(scheme_end + 1) end
  local host_end = #rest
  for i = 1, #rest do
    local c = rest:sub(i, i)
    if c == '/' or c == ':' or c == '?' or c == '#' then host_end = i - 1 break end
  end
  local host = rest:sub(1, host_end):lower()
  if host == '' then return nil end
  return host
end

function limit_keys(job)
  local host = host_of(job.args.url)
  if host == nil then return {} end
  return { 'host:' .. host }
end
