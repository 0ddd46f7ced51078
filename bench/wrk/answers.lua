-- The API answer POST, each request a first answer to a fresh attempt item of some learner:
-- input lines "<token>\t<attempt>\t<position>\t<{"answer": tokens}>", a slice per run, every
-- thread taking every n-th line; each request gets its own idempotency key (UUID v4) and a
-- client_seq. With a path override ("/bench/bare/") the same requests go to the baseline.
-- Usage: wrk ... -s answers.lua -- <file> <first line> <count> [path override]
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local targets, position, step, override
wrapped = 0

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919 + math.floor(os.clock() * 1e6))
  step = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  override = args[4]
  local lines = read_lines(args[1], tonumber(args[2]), tonumber(args[3]))
  targets = {}
  for index = id + 1, #lines, step do
    local fields = split(lines[index], "\t")
    table.insert(targets, {
      token = fields[1],
      path = override or ("/api/v1/attempts/" .. fields[2] .. "/items/" .. fields[3] .. "/answer/"),
      answer = fields[4],
    })
  end
  position = 1
end

function request()
  local target = targets[position]
  position = position + 1
  if position > #targets then
    position = 1
    wrapped = wrapped + 1  -- the slice ran out: later requests would be replays
  end
  local body = string.sub(target.answer, 1, -2) ..
    ',"idempotency_key":"' .. uuid4() .. '","client_seq":1}'
  return wrk.format("POST", target.path, {
    ["Authorization"] = "Token " .. target.token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, body)
end
