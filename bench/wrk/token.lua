-- POST a client-credentials token request (RFC 6749 §4.4) with HTTP Basic client authentication.
dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
wrk.method = "POST"
wrk.path = os.getenv("TOKEN_PATH")
wrk.body = "grant_type=client_credentials&scope=" .. os.getenv("SCOPE")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC")
