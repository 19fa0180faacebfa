-- wacr-bench's sandbox list-contacts load under wrk: pages 1 to 10 of 100 leads by first name.
-- The bearer token comes from wrk's -H.
local counter = 0
function setup(thread)
   thread:set("offset", counter * 5)
   counter = counter + 1
end

function init(args)
   n = offset
end

function request()
   n = n + 1
   return wrk.format("GET", "/contacts?per_page=100&page=" .. (n % 10 + 1) .. "&filter[type]=lead&sort=firstname")
end
