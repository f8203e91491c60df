# shellcheck shell=bash
# Helpers for bench/proxy/run.sh (sourced, never run): background processes stopped by PID,
# config templates, readiness checks, RSS of a process tree, wrk output parsing, medians.

BENCH_PIDS=()

say() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# free_port VAR: sets VAR to a TCP port on 127.0.0.1 that nobody listens on and that this run has
# not handed out yet (not a $(...) function: a subshell would neither remember the ports handed
# out nor advance $RANDOM). Taken below the kernel's ephemeral range, so that no client socket
# (wrk's, or a proxy's upstream connection) holds it by the time the server binds.
declare -A BENCH_PORTS_TAKEN=()
BENCH_PORT_TOP=$(awk '{print $1 - 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32767)
((BENCH_PORT_TOP > 12000)) || BENCH_PORT_TOP=32767
free_port() {
  local _candidate
  while :; do
    _candidate=$((10000 + RANDOM % (BENCH_PORT_TOP - 10000)))
    [[ -n ${BENCH_PORTS_TAKEN[$_candidate]:-} ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$_candidate") 2>/dev/null; then
      BENCH_PORTS_TAKEN[$_candidate]=1
      printf -v "$1" "%s" "$_candidate"
      return
    fi
  done
}

# render TEMPLATE OUT KEY=VALUE...: copies TEMPLATE to OUT with every @KEY@ replaced.
render() {
  local template=$1 out=$2 kv key value
  shift 2
  cp "$template" "$out"
  for kv in "$@"; do
    key=${kv%%=*} value=${kv#*=}
    sed -i "s|@$key@|$value|g" "$out"
  done
}

# start NAME LOG COMMAND...: runs COMMAND in the background, records its PID in BENCH_PIDS and
# in PID_OF[NAME], its log in LOG_OF[NAME].
declare -A PID_OF=() LOG_OF=()
start() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  PID_OF[$name]=$! LOG_OF[$name]=$log
  BENCH_PIDS+=("$!")
}

# stop_pid PID: TERM, up to 10 s to exit, then KILL. Only ever the PIDs this run started.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do stop_pid "$pid"; done
  BENCH_PIDS=()
}

# wait_http URL PID SECONDS [CURL ARGS...]: until URL answers at all (any status), the process is
# gone, or SECONDS pass.
wait_http() {
  local url=$1 pid=$2 seconds=$3 i
  shift 3
  for ((i = 0; i < seconds * 10; i++)); do
    curl -s -o /dev/null --max-time 1 "$@" "$url" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# status_and_size URL HOST: prints "STATUS BYTES" of a GET with that Host header.
status_and_size() {
  curl -s -o /dev/null --max-time 5 -H "Host: $2" -w '%{http_code} %{size_download}' "$1" || echo "000 0"
}

# The PID and every descendant (nginx: master and workers).
tree_pids() {
  local pid=$1 child
  [[ -d /proc/$pid ]] || return 0
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do tree_pids "$child"; done
}

# rss_mib PID: summed VmRSS of the process tree in MiB (shared pages count once per process).
rss_mib() {
  local total=0 pid kb
  for pid in $(tree_pids "$1"); do
    kb=$(awk '$1 == "VmRSS:" {print $2}' /proc/"$pid"/status 2>/dev/null)
    total=$((total + ${kb:-0}))
  done
  awk -v kb="$total" 'BEGIN {printf "%.1f", kb / 1024}'
}

loadavg1() { cut -d' ' -f1 /proc/loadavg; }

# wrk_fields FILE: prints "REQS_PER_S P50_MS P99_MS SOCKET_ERRORS NON_2XX" from wrk's --latency
# output ("-" for a value wrk did not print, e.g. when the run failed).
wrk_fields() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" && !p50 { p50 = ms($2) }
    $1 == "99%" && !p99 { p99 = ms($2) }
    /Socket errors:/ {
      gsub(/,/, "")
      sock = $4 + $6 + $8 + $10
    }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    END {
      printf "%s %s %s %d %d\n", (rps == "" ? "-" : sprintf("%.0f", rps)),
        (p50 == "" ? "-" : sprintf("%.2f", p50)), (p99 == "" ? "-" : sprintf("%.2f", p99)),
        sock, non2xx
    }' "$1"
}

# median: of the numbers on stdin, one a line ("-" lines ignored); "-" when there are none.
median() {
  grep -v '^-$' | sort -g | awk '{a[NR] = $1}
    END {
      if (NR == 0) { print "-"; exit }
      m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
      print m
    }'
}

# ratio A B: A / B with 2 decimals, "-" when either is missing.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"
    else printf "%.2f", a / b
  }'
}

# thousands N: 38477 -> 38,477
thousands() { printf "%s" "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }

# gc_max_pause_ms FILE: the longest "Pause ... N.NNNms" in a unified JVM GC log, and how many.
gc_max_pause_ms() {
  [[ -s $1 ]] || { echo "- (no GC log)"; return; }
  awk '/Pause/ && match($0, /[0-9.]+ms$/) {
      v = substr($0, RSTART, RLENGTH - 2) + 0; n++; if (v > max) max = v
    }
    END { if (n) printf "%.2f ms (max of %d pauses)\n", max, n; else print "0 pauses" }' "$1"
}
