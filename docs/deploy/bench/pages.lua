-- wrk script: the pages a visitor opens, in turn (lists, a commitment, a
-- department, news, a feed), from the shipped site.
local paths = {
  "/", "/commitments/", "/commitments/e01-business-startup-one-day/", "/departments/",
  "/departments/fgw/", "/disclosures/", "/news/", "/news/2025-01-16-one-day-startup/",
  "/policies/", "/feed.xml",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
