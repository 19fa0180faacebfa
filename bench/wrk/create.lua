-- wacr-bench's sandbox create-contact load under wrk: POST /contacts with a new phone number
-- each time (+1777, the thread's digit, a counter). Arguments after `--`: SOURCE_ID STATUS_ID.
-- The bearer token comes from wrk's -H.
local counter = 0
function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
end

function init(args)
   source_id = args[1]
   status_id = args[2]
   n = 0
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   n = n + 1
   local body = '{"firstname":"Wrk","lastname":"Created ' .. tid .. '-' .. n .. '","phone":"+1777' .. tid .. string.format("%06d", n)
      .. '","type":"lead","source_id":' .. source_id .. ',"status_id":' .. status_id .. '}'
   return wrk.format("POST", "/contacts", nil, body)
end
