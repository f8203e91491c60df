# shellcheck shell=bash
# Helpers for the shell tests (sourced). Each test prints "ok - ..." or "not ok - ..." and the
# script exits non-zero when any failed.

failures=0
passes=0
ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { failures=$((failures + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
  echo "# $passes passed, $failures failed"
  ((failures == 0))
}

# Waits for `serve` started with --console-addr 127.0.0.1:0 to print its console URL in the file
# $1 and prints the port; fails after $2 seconds or when process $3 exits.
wait_console_port() {
  local log=$1 seconds=$2 pid=$3 port i
  for ((i = 0; i < seconds * 20; i++)); do
    port=$(sed -n 's|^ *Console: *http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" 2>/dev/null)
    if [[ -n "$port" ]]; then printf '%s' "$port"; return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# The HTTP status of GET http://127.0.0.1:PORT/PATH, with bash alone (no curl on fresh machines).
http_status() {
  local port=$1 path=$2 fd line
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || { echo 000; return 0; }
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&"$fd"
  IFS= read -r line <&"$fd" || line=""
  exec {fd}<&-
  line=${line#HTTP/1.1 }
  printf '%s' "${line:0:3}"
}

# Stops process $1 with SIGTERM and sets STOP_CODE to its exit code (waits up to $2 seconds, then
# KILLs). Not for $(...): only the shell that started the process can wait for it.
stop_with_sigterm() {
  local pid=$1 seconds=$2 i
  STOP_CODE=0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || STOP_CODE=$?
}
