-- wrk script: searches as people type them (a topic, a body, a document
-- number, a company, a question), in turn, through the JSON API; set
-- SEARCH_HTML=1 for the HTML results page instead.
local queries = {
  "营商环境", "拖欠账款", "市发展改革委", "临发改信用〔2024〕295号", "行政处罚",
  "企业开办", "政务失信", "信用修复", "招商引资 承诺", "工程款",
}
local html = os.getenv("SEARCH_HTML") == "1"
local function escape(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local i = 0
request = function()
  i = i + 1
  local q = escape(queries[(i % #queries) + 1])
  if html then
    return wrk.format("GET", "/search/?q=" .. q)
  end
  return wrk.format("GET", "/api/search?q=" .. q)
end
