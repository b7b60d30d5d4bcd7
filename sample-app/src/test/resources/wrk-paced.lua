-- each connection waits this long between two requests, so that wrk does not saturate the
-- two cores a starting generation needs
function delay()
   return 50
end
