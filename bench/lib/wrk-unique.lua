-- A different URL on every request: `<path>?miss=<nonce>-<thread>-<n>` (or `&miss=…` when the
-- path has a query), for variants whose cache must miss every time. The nonce (the script's
-- first argument) differs per run, so no run finds what an earlier one stored. Prints the
-- same WRK_JSON line as wrk-report.lua, which it loads from its own directory.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
dofile(here .. 'wrk-report.lua')

local next_thread = 1
setup = function(thread)
  thread:set('thread_id', next_thread)
  next_thread = next_thread + 1
end

init = function(args)
  local nonce = args[1] or '0'
  local sep = string.find(wrk.path, '?', 1, true) and '&' or '?'
  prefix = wrk.path .. sep .. 'miss=' .. nonce .. '-' .. tostring(thread_id) .. '-'
  counter = 0
end

request = function()
  counter = counter + 1
  return wrk.format(nil, prefix .. counter)
end
