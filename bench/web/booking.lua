-- POST /api/reservations, each request a new (member, seat, slot) that cannot clash:
-- request i books seat i % 200 at slot i // 200, as member (i % 200) + 200 * (slot // 3),
-- so a member holds at most three bookings (the policy's limit) and never two at once.
-- args: tokens file, slots file, seats file. Each wrk thread takes its own block of i.
local BLOCK = 9000

function setup(thread)
  counter = (counter or 0)
  thread:set("tid", counter)
  counter = counter + 1
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do out[#out + 1] = line end
  return out
end

function init(args)
  tokens, slots, seats = lines(args[1]), lines(args[2]), lines(args[3])
  n = 0
end

function request()
  local i = tid * BLOCK + n
  n = n + 1
  local seat = seats[i % 200 + 1]
  local s = math.floor(i / 200)
  local member = (i % 200) + 200 * math.floor(s / 3)
  local start, finish = slots[s + 1]:match("([^ ]+) ([^ ]+)")
  local body = '{"seat":' .. seat .. ',"start":"' .. start .. '","end":"' .. finish .. '"}'
  return wrk.format("POST", "/api/reservations", {
    ["Authorization"] = "Bearer " .. tokens[member + 1],
    ["Content-Type"] = "application/json",
  }, body)
end
