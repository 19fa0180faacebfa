-- wacr-bench's sandbox get-contact load under wrk: GET /contacts/{id}?include=groups,source,status,
-- the id walking the seeded contacts as the bench's own load generator does (n * 7919 mod count).
-- Arguments after `--`: FIRST_ID COUNT. The bearer token comes from wrk's -H.
local counter = 0
function setup(thread)
   thread:set("offset", counter * 1000003)
   counter = counter + 1
end

function init(args)
   first = tonumber(args[1])
   count = tonumber(args[2])
   n = offset
end

function request()
   n = n + 1
   return wrk.format("GET", "/contacts/" .. (first + (n * 7919) % count) .. "?include=groups,source,status")
end
