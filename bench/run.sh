#!/bin/bash
# make bench: each workload untraced (A), under socklens (B), under socklens with its write()
# sink (W: SOCKLENS_SINK=write) and under strace (C), in rounds interleaved A B W C A B W C...,
# medians per mode; a mode's ratio to A is the median of its per-round ratios (each against the
# untraced run of the same round, so that the machine's drifts cancel). Prints one Markdown table and
# writes it to bench/results/YYYY-MM-DD.md (and latest.md). Loopback only, ports chosen at run
# time, every process started here stopped by its pid.
set -u
BUILD=${BUILD:-$(pwd)/build}
ROUNDS=${ROUNDS:-5}              # rounds of the small workloads
SERVER_ROUNDS=${SERVER_ROUNDS:-7} # rounds of redis and nginx
PP_N=${PP_N:-20000}              # ping-pong round trips
UDP_N=${UDP_N:-20000}
CHURN_N=${CHURN_N:-3000}         # connections
REDIS_N=${REDIS_N:-40000}        # requests per redis-benchmark test (SET, then GET)
WRK_SECS=${WRK_SECS:-2}
VIEW_RUNS=${VIEW_RUNS:-5}        # runs of each viewer command
VIEW_N=${VIEW_N:-1000000}
SHIM=$BUILD/libsocklens.so
B=$BUILD/bench
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/socklens-bench.XXXXXX")
STRACE_ARGS=(-f -qq -e trace=%network,read,write,close -o)
SERVER_PID=
WRAP_PID=

cleanup() {
	[ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
	[ -n "$WRAP_PID" ] && kill -KILL "$WRAP_PID" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then say "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# Median of the numbers read (a round that failed left "nan" and does not count).
median() { grep -E '^[0-9]+(\.[0-9]+)?$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.10g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# paired_ratio A_FILE X_FILE: the median over rounds of X/A, line by line (one line a round).
paired_ratio() {
	paste -d' ' "$1" "$2" | awk '$1 + 0 > 0 && $2 + 0 > 0 && $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ { print $2 / $1 }' | median
}

# A TCP port on 127.0.0.1 nothing listens on right now.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((10000 + RANDOM % 20000)) # below the ephemeral range
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	echo 0
}

# wait_port PORT: until something accepts there (bounded, about 10 s).
wait_port() {
	for _ in $(seq 1 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after about 10 s.
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
}

# Runs "$@" as mode A (untraced), B (socklens into $TRACE), W (the same with the write()
# sink) or C (strace into $TRACE).
run_mode() {
	local mode=$1; shift
	rm -f "$TRACE"
	case $mode in
	A) "$@" ;;
	B) SOCKLENS_OUT=$TRACE LD_PRELOAD=$SHIM "$@" ;;
	W) SOCKLENS_SINK=write SOCKLENS_OUT=$TRACE LD_PRELOAD=$SHIM "$@" ;;
	C) strace "${STRACE_ARGS[@]}" "$TRACE" "$@" ;;
	esac
}

# Trace figures: lines, bytes per line, call lines (socklens: "type":"call"; strace: one per
# system call, the "resumed" halves of interrupted calls not counted again).
trace_figures() { # MODE FILE -> "lines bytes_per_line calls torn"
	local lines bytes calls torn
	lines=$(wc -l < "$2")
	bytes=$(wc -c < "$2")
	if [ "$1" != C ]; then
		calls=$(grep -c '"type":"call"' "$2")
		# Whole lines: each is one {...} object, no NUL bytes anywhere.
		torn=$(tr -d '\000' < "$2" | grep -vc '^{.*}$')
		[ "$(tr -dc '\000' < "$2" | wc -c)" -eq 0 ] || torn=$((torn + 1))
	else
		calls=$(grep -v -e 'resumed>' -e '^[0-9]* *+++ ' -e '^[0-9]* *--- ' "$2" | wc -l)
		torn=0
	fi
	echo "$lines $(awk -v b="$bytes" -v l="$lines" 'BEGIN { printf "%.0f", l ? b / l : 0 }') $calls $torn"
}

# Bytes a server sent, as its trace says (sum of what the send-family calls returned).
sent_bytes() { # MODE FILE
	if [ "$1" != C ]; then
		grep '"type":"call"' "$2" | grep -E '"call":"(write|writev|send|sendto|sendmsg|sendfile)"' |
			awk 'match($0, /"ret":[0-9]+/) { s += substr($0, RSTART + 6, RLENGTH - 6) } END { printf "%.0f\n", s }'
	else
		grep -E '(^[0-9]+ +(write|writev|sendto|sendmsg|sendfile)\(|<\.\.\. (write|writev|sendto|sendmsg|sendfile) resumed>)' "$2" |
			awk 'match($0, / = [0-9]+$/) { s += substr($0, RSTART + 3) } END { printf "%.0f\n", s }'
	fi
}

# server_ticks PID: CPU clock ticks (user + system) of PID and its children so far.
server_ticks() {
	local t=0 p
	for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
CLK_TCK=$(getconf CLK_TCK)

RESULTS=$WORK/results   # one line per workload: fields separated by |
: > "$RESULTS"

# ---- small workloads: the program reports ns= ops= calls= ----
micro() { # NAME UNIT CMD...
	local name=$1 unit=$2; shift 2
	local d=$WORK/$name
	mkdir -p "$d"
	TRACE=$d/trace
	say "== $name: $ROUNDS rounds of A B W C"
	for r in $(seq 1 "$ROUNDS"); do
		for m in A B W C; do
			local out
			out=$(run_mode "$m" "$@" 2> "$d/err") || {
				say "$name ($m) failed: $(head -3 "$d/err")"
				echo nan >> "$d/$m.us"; echo nan >> "$d/$m.cpu"; continue
			}
			local ns ops calls scalls cpu
			ns=$(sed -n 's/^ns=\([0-9]*\).*/\1/p' <<< "$out")
			ops=$(sed -n 's/.*ops=\([0-9]*\).*/\1/p' <<< "$out")
			calls=$(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<< "$out")
			scalls=$(sed -n 's/.*strace_calls=\([0-9]*\).*/\1/p' <<< "$out")
			cpu=$(sed -n 's/.*cpu_ns=\([0-9]*\).*/\1/p' <<< "$out")
			awk -v n="$cpu" -v o="$ops" 'BEGIN { printf "%.3f\n", n / o / 1000 }' >> "$d/$m.cpu"
			awk -v n="$ns" -v o="$ops" 'BEGIN { printf "%.3f\n", n / o / 1000 }' >> "$d/$m.us"
			if [ "$m" != A ]; then
				read -r lines bpl tcalls torn <<< "$(trace_figures "$m" "$TRACE")"
				local ok=yes
				if [ "$m" != C ]; then
					[ "$tcalls" -eq "$calls" ] && [ "$torn" -eq 0 ] || ok="NO ($tcalls of $calls, $torn bad)"
				else
					[ "$tcalls" -ge "$scalls" ] || ok="NO ($tcalls of $scalls)"
				fi
				echo "$lines $bpl $ok" > "$d/$m.fig"
			fi
		done
	done
	row "$name" "$unit" time "$d"
}

# row NAME UNIT time|rate DIR: per mode, the median and its paired ratio to untraced, the
# median CPU time and its paired ratio, and the trace figures of the last round, into $RESULTS.
row() {
	local name=$1 unit=$2 kind=$3 d=$4 m
	for m in A B W C; do
		local v r c rc f
		v=$( [ -s "$d/$m.us" ] && median < "$d/$m.us" || echo -)
		r=$( [ -s "$d/$m.us" ] && paired_ratio "$d/A.us" "$d/$m.us" || echo -)
		r=$(awk -v x="$r" 'BEGIN { if (x + 0 > 0) printf "%.2f", x; else printf "-" }')
		c=$( [ -s "$d/$m.cpu" ] && median < "$d/$m.cpu" || echo -)
		rc=$( [ -s "$d/$m.cpu" ] && paired_ratio "$d/A.cpu" "$d/$m.cpu" || echo -)
		rc=$(awk -v x="$rc" 'BEGIN { if (x + 0 > 0) printf "%.2f", x; else printf "-" }')
		f=$(cat "$d/$m.fig" 2>/dev/null || echo "- - -")
		echo "$name|$unit|$m|$v|$r|$c|$rc|$f" >> "$RESULTS"
	done
}

# ---- servers ----
# server_up NAME MODE DIR PORT LOG PIDFILE: waits for the server run_mode started (WRAP_PID)
# to accept on PORT and sets SERVER_PID from its pid file; if it does not start, says why,
# stops it, and leaves nan for the round so that rounds stay paired.
server_up() {
	local name=$1 m=$2 d=$3 port=$4 log=$5 pidfile=$6
	if ! wait_port "$port"; then
		say "$name ($m) did not start: $(tail -2 "$log" 2>/dev/null)"
		stop_pid "$WRAP_PID"; WRAP_PID=
		echo nan >> "$d/$m.us"; echo nan >> "$d/$m.cpu"
		return 1
	fi
	SERVER_PID=$(cat "$pidfile" 2>/dev/null)
}
redis_once() { # MODE DIR -> rps into DIR/MODE.us, figures into DIR/MODE.fig
	local m=$1 d=$2 port
	port=$(free_port)
	rm -f "$d/redis.pid"
	TRACE=$d/trace
	run_mode "$m" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$d" --pidfile "$d/redis.pid" --logfile "$d/redis.log" --daemonize no \
		--protected-mode no > /dev/null 2>&1 &
	WRAP_PID=$!
	server_up redis "$m" "$d" "$port" "$d/redis.log" "$d/redis.pid" || return
	local csv t0 t1
	t0=$(server_ticks "$SERVER_PID")
	csv=$(redis-benchmark -h 127.0.0.1 -p "$port" -n "$REDIS_N" -c 20 -d 16 -t set,get --csv 2>/dev/null)
	t1=$(server_ticks "$SERVER_PID")
	awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n=$((2 * REDIS_N)) 'BEGIN { printf "%.2f\n", t / hz * 1e6 / n }' >> "$d/$m.cpu"
	[ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
	wait "$WRAP_PID" 2>/dev/null
	SERVER_PID= WRAP_PID=
	# Requests per second over both tests: 2N requests in the sum of the two tests' times.
	sed -n 's/^"\(SET\|GET\)","\([0-9.]*\)".*/\2/p' <<< "$csv" |
		awk '{ t += 1 / $1; n++ } END { if (n == 2) printf "%.0f\n", 2 / t; else print "nan" }' >> "$d/$m.us"
	if [ "$m" != A ]; then
		read -r lines bpl tcalls torn <<< "$(trace_figures "$m" "$TRACE")"
		# What the clients received: "+OK\r\n" per SET, "$16\r\n" + 16 bytes + "\r\n" per GET.
		local want=$((REDIS_N * 5 + REDIS_N * 23)) got ok
		got=$(sent_bytes "$m" "$TRACE")
		ok=$(awk -v g="$got" -v w="$want" -v t="$torn" 'BEGIN { d = (g - w) / w; if (d < 0) d = -d;
			printf (d <= 0.01 && t == 0) ? "yes (%.0f B sent / %.0f B)" : "NO (%.0f B sent / %.0f B)", g, w }')
		echo "$lines $bpl $ok" > "$d/$m.fig"
	fi
}

nginx_once() {
	local m=$1 d=$2 port
	port=$(free_port)
	rm -f "$d/nginx.pid"
	mkdir -p "$d/www" "$d/tmp"
	head -c 1024 /dev/zero | tr '\0' 'n' > "$d/www/small.html"
	local user=
	[ "$(id -u)" = 0 ] && user="user $(id -un);"
	cat > "$d/nginx.conf" <<-EOF
	$user
	daemon off;
	master_process on;
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections 1024; }
	http {
		access_log off;
		sendfile on;
		client_body_temp_path $d/tmp;
		proxy_temp_path $d/tmp;
		fastcgi_temp_path $d/tmp;
		uwsgi_temp_path $d/tmp;
		scgi_temp_path $d/tmp;
		server { listen 127.0.0.1:$port; root $d/www; }
	}
	EOF
	TRACE=$d/trace
	run_mode "$m" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" > /dev/null 2>&1 &
	WRAP_PID=$!
	server_up nginx "$m" "$d" "$port" "$d/error.log" "$d/nginx.pid" || return
	local out t0 t1
	t0=$(server_ticks "$SERVER_PID")
	out=$(wrk -t1 -c16 -d"${WRK_SECS}s" -s "$TOP/bench/wrk-report.lua" "http://127.0.0.1:$port/small.html" 2>/dev/null)
	t1=$(server_ticks "$SERVER_PID")
	[ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
	wait "$WRAP_PID" 2>/dev/null
	SERVER_PID= WRAP_PID=
	local rps bytes errs
	rps=$(sed -n 's/^wrk_rps=\([0-9.]*\).*/\1/p' <<< "$out")
	bytes=$(sed -n 's/.*wrk_bytes=\([0-9]*\).*/\1/p' <<< "$out")
	errs=$(sed -n 's/.*wrk_errors=\([0-9]*\).*/\1/p' <<< "$out")
	if [ -n "$rps" ] && [ "${errs:-1}" = 0 ]; then echo "$rps"; else echo nan; fi >> "$d/$m.us"
	local reqs
	reqs=$(sed -n 's/.*wrk_requests=\([0-9]*\).*/\1/p' <<< "$out")
	if [ -n "$reqs" ] && [ "$reqs" -gt 0 ]; then
		awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.2f\n", t / hz * 1e6 / n }'
	else
		echo nan
	fi >> "$d/$m.cpu"
	if [ "$m" != A ] && [ -n "$bytes" ]; then
		read -r lines bpl tcalls torn <<< "$(trace_figures "$m" "$TRACE")"
		local got ok
		got=$(sent_bytes "$m" "$TRACE")
		# Responses in flight when wrk stops were sent but not counted by wrk: at most one
		# per connection, so the trace may say up to 16 responses more.
		ok=$(awk -v g="$got" -v w="$bytes" -v t="$torn" 'BEGIN { d = g - w;
			printf (d >= 0 && d <= 16 * 1400 && t == 0) ? "yes (%.0f B sent / %.0f B)" : "NO (%.0f B sent / %.0f B)", g, w }')
		# strace's filter (%network,read,write,close) has no writev, which sends the headers.
		[ "$m" = C ] && ok="$ok, headers (writev) not in strace's filter"
		echo "$lines $bpl $ok" > "$d/$m.fig"
	fi
}

server() { # NAME FUNC
	local name=$1 fn=$2 d=$WORK/$1
	mkdir -p "$d"
	if ! command -v "$name-server" >/dev/null 2>&1 && ! command -v "$name" >/dev/null 2>&1; then
		echo "$name|req/s|A|skipped: not installed|||||" >> "$RESULTS"; return
	fi
	say "== $name: $SERVER_ROUNDS rounds of A B W C"
	for r in $(seq 1 "$SERVER_ROUNDS"); do
		for m in A B W C; do "$fn" "$m" "$d"; done
	done
	row "$name" "req/s" rate "$d"
}

# ---- the viewer on a generated trace ----
viewer() {
	local d=$WORK/viewer gen=$BUILD/socklens-gen-trace sl=$BUILD/socklens
	mkdir -p "$d"
	if [ ! -x "$gen" ] || [ ! -x "$sl" ]; then
		echo "viewer|-|skipped: \`socklens\` or \`socklens-gen-trace\` not built||||||||" >> "$RESULTS"
		return
	fi
	say "== viewer: $VIEW_N-call generated trace"
	"$gen" -n "$VIEW_N" -o "$d/trace.jsonl" || { echo "viewer|-|skipped: generator failed||||||||" >> "$RESULTS"; return; }
	local lines bytes
	lines=$(wc -l < "$d/trace.jsonl"); bytes=$(wc -c < "$d/trace.jsonl")
	VIEW_INFO="generated trace: $lines lines, $((bytes / lines)) bytes/line"
	# Each command in one thread (SOCKLENS_THREADS=0) and as it runs by default (a reading
	# thread when a CPU is free), the runs of all four interleaved.
	local runs=("stats|0" "stats|" "view|0" "view|") r run
	for r in $(seq 1 "$VIEW_RUNS"); do
		for run in "${runs[@]}"; do
			local cmd=${run%|*} th=${run#*|} key=${run//|/-}
			local args=("$cmd")
			[ "$cmd" = view ] && args=(view --width 120)
			SOCKLENS_THREADS=$th "$B/rusage" "$sl" "${args[@]}" "$d/trace.jsonl" > /dev/null 2> "$d/$key.err"
			local ns rss
			ns=$(sed -n 's/.*ns=\([0-9]*\) maxrss_kib=\([0-9]*\).*/\1/p' "$d/$key.err" | tail -1)
			rss=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$d/$key.err" | tail -1)
			[ -n "$ns" ] || continue
			awk -v n="$ns" -v c="$VIEW_N" 'BEGIN { printf "%.0f\n", c / (n / 1e9) }' >> "$d/$key.eps"
			echo "$rss" >> "$d/$key.rss"
		done
	done
	for run in "${runs[@]}"; do
		local cmd=${run%|*} th=${run#*|} key=${run//|/-} label eps best rss
		label="socklens $cmd"
		[ "$cmd" = view ] && label="socklens view --width 120"
		if [ "$th" = 0 ]; then label="$label, one thread"; else label="$label, default"; fi
		eps=$(median < "$d/$key.eps" 2>/dev/null)
		best=$(sort -g "$d/$key.eps" 2>/dev/null | tail -1)
		rss=$(sort -g "$d/$key.rss" 2>/dev/null | tail -1)
		echo "$label|$eps|$best|$rss" >> "$d/viewer.rows"
	done
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(date +%s)
micro "ping-pong socketpair" "µs/round trip" "$B/pingpong" unix "$PP_N"
micro "ping-pong TCP" "µs/round trip" "$B/pingpong" tcp "$PP_N"
micro "UDP sendto/recvfrom" "µs/round trip" "$B/udp" "$UDP_N"
micro "connection churn" "µs/connection" "$B/churn" "$CHURN_N"
server redis redis_once
server nginx nginx_once
VIEW_INFO=
viewer
T1=$(date +%s)

# ---- the table ----
DATE=$(date -u +%Y-%m-%d)
OUTDIR=$TOP/bench/results
mkdir -p "$OUTDIR"
{
	echo "# socklens benchmark, $DATE"
	echo
	echo "- machine: $(uname -srm), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- socklens $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo '?'), $(cc --version | head -1), $(strace -V | head -1)"
	echo "- rounds: $ROUNDS (small workloads), $SERVER_ROUNDS (servers), interleaved untraced / socklens / socklens with the write() sink / strace; medians and paired ratios; took $((T1 - T0)) s"
	echo "- load before the run: $LOAD0"
	echo "- strace: \`strace ${STRACE_ARGS[*]} FILE\`; socklens: defaults (64-byte payload previews, no backtraces)"
	echo
	echo "| workload | unit | run | median | ×untraced | CPU µs/op | ×untraced | trace lines | B/line | trace complete |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---:|---|"
	while IFS='|' read -r name unit m v r c rc f; do
		[ "$name" = viewer ] && continue
		local_label=untraced
		case $m in B) local_label="socklens" ;; W) local_label="socklens, write() sink" ;; C) local_label="strace" ;; esac
		read -r fl fb fok <<< "$f"
		[ "$m" = A ] && { fl=; fb=; fok=; }
		echo "| $name | $unit | $local_label | $v | $r | $c | $rc | $fl | $fb | $fok |"
	done < "$RESULTS"
	echo
	echo "Small workloads: time per operation (round trip, connection), lower is better. Servers:"
	echo "requests per second, higher is better. \"median\" is the median over the rounds; ×untraced is"
	echo "the median over the rounds of traced / untraced of the same round (so, for the servers, the"
	echo "share of the untraced throughput kept), which cancels the machine's slow drifts. CPU is"
	echo "user + system time of the workload's processes (for the servers, of the server's processes"
	echo "per request), not of strace itself, so strace's CPU ratio understates its cost. Trace"
	echo "figures are from the last round; see docs/performance.md for what each one means."
	echo
	echo "## Viewer"
	echo
	if [ -f "$WORK/viewer/viewer.rows" ]; then
		echo "$VIEW_INFO; $VIEW_RUNS runs of each command, interleaved. Events are the trace's calls"
		echo "($VIEW_N); \"default\" uses a reading thread when a CPU is free at the start."
		echo
		echo "| command | events/s, median | events/s, best | peak RSS (MiB), largest |"
		echo "|---|---:|---:|---:|"
		while IFS='|' read -r label eps best rss; do
			echo "| $label | $eps | $best | $(awk -v k="$rss" 'BEGIN { printf (k == k + 0) ? "%.1f" : "-", k / 1024 }') |"
		done < "$WORK/viewer/viewer.rows"
	else
		grep '^viewer|' "$RESULTS" | cut -d'|' -f3 | sed 's/^/- /'
	fi
} > "$WORK/table.md"
cp "$WORK/table.md" "$OUTDIR/$DATE.md"
cp "$WORK/table.md" "$OUTDIR/latest.md"
cat "$WORK/table.md"
say "written: bench/results/$DATE.md (and bench/results/latest.md)"
