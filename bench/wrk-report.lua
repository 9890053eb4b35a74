-- wrk script for make bench: prints what the client received, for the completeness check.
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("wrk_rps=%.1f wrk_requests=%d wrk_bytes=%d wrk_errors=%d\n",
		summary.requests / (summary.duration / 1e6), summary.requests, summary.bytes,
		e.connect + e.read + e.write + e.status + e.timeout))
end
