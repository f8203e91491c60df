# shellcheck shell=bash
# Shared by the bench scripts (sourced): start ./berth serve on a fresh data dir and a fixed
# console port, wait until /api/v1/health answers 200, stop it by its PID.

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
command -v curl >/dev/null 2>&1 || { echo "bench: needs curl" >&2; exit 2; }

# A port nobody listens on, from a range the tests do not use.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_serve PROFILE DATA_DIR PORT LOG: starts ./berth serve in the background; sets SERVE_PID.
start_serve() {
  local profile=$1 data=$2 port=$3 log=$4
  "$root/berth" serve --profile "$profile" --data-dir "$data" --console-addr "127.0.0.1:$port" \
    --http-addr 127.0.0.1:0 --https-addr 127.0.0.1:0 --runtime process >"$log" 2>&1 &
  SERVE_PID=$!
}

# start_proxy PROFILE DATA_DIR CONSOLE_PORT LOG: starts ./berth proxy on the data dir of a running
# serve and waits for its banner; sets PROXY_PID.
start_proxy() {
  local profile=$1 data=$2 console=$3 log=$4 i
  "$root/berth" proxy --profile "$profile" --data-dir "$data" --http-addr 127.0.0.1:0 --https-addr 127.0.0.1:0 \
    --console-url "http://127.0.0.1:$console" >"$log" 2>&1 &
  PROXY_PID=$!
  for ((i = 0; i < 6000; i++)); do
    grep -q "proxy is listening" "$log" 2>/dev/null && return 0
    kill -0 "$PROXY_PID" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# Polls every 5 ms (curl itself takes a few ms) until health answers 200; fails after 60 s.
wait_healthy() {
  local port=$1 i
  for ((i = 0; i < 6000; i++)); do
    curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/api/v1/health" && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || return 1
    sleep 0.005
  done
  return 1
}

stop_serve() {
  kill -TERM "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
  return 0
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
mib() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }
