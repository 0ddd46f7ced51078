-- GET pages as logged-in learners: each input line is "<session key> <path>", or "<path>" for
-- anonymous pages. Usage: wrk ... -s pages.lua -- <file> [path override]
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local targets, position, step, override

function init(args)
  local lines = read_lines(args[1], 0, 0)
  override = args[2]
  targets = {}
  for _, line in ipairs(lines) do
    local fields = split(line, " ")
    local cookie, path = nil, fields[1]
    if #fields == 2 then cookie, path = fields[1], fields[2] end
    if #fields == 1 and override then cookie = fields[1] end
    table.insert(targets, {cookie = cookie, path = override or path})
  end
  position = (id % #targets) + 1
  step = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
end

function request()
  local target = targets[position]
  position = position + step
  if position > #targets then position = ((position - 1) % #targets) + 1 end
  local headers = {}
  if target.cookie then headers["Cookie"] = "sessionid=" .. target.cookie end
  return wrk.format("GET", target.path, headers)
end
