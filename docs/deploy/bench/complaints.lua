-- wrk script: complaints through the JSON API, each one different (the
-- store refuses an identical one within a day as a duplicate), counting
-- the answers: 201 means stored before the answer.
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
init = function()
  created, other = 0, 0
  math.randomseed(os.time() + id * 7919)
end
request = function()
  counter = counter + 1
  local body = string.format(
    '{"category":"拖欠账款","department":"fgw","title":"压力测试投诉%d-%d-%d","description":"某局拖欠我公司工程款两年，多次催要未果，请督促支付。编号%d。","name":"张三","phone":"13800000000","consent":true}',
    id, counter, math.random(1, 1000000000), counter)
  return wrk.format("POST", "/api/complaints", {["Content-Type"] = "application/json"}, body)
end
response = function(status)
  if status == 201 then created = created + 1 else other = other + 1 end
end
done = function()
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("complaints: %d stored (201), %d other answers\n", c, o))
end
