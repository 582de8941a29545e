-- GET one resource with a bearer token (none when BEARER is empty: the bare baseline).
dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
wrk.path = os.getenv("READ_PATH")
local bearer = os.getenv("BEARER")
if bearer ~= nil and bearer ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. bearer
end
