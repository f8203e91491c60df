#!/usr/bin/env bash
# Zero-downtime switching under load: wrk drives an app through `berth serve` while its live
# instances flip between two backends through the API, and the script counts what a user would
# see: socket errors and non-2xx answers (both must be 0), and how long each switch took to drain.
#
#   bench/proxy/switch.sh                 20 s of wrk (2 threads, 64 connections), a switch every second
#
# Knobs (environment): DURATION (s, 20), CONNS (64), EVERY (s between switches, 1), PROFILE
# (throughput), BERTH_BIN (./berth), OUT (folder for logs, default a temp dir).
# Everything listens on 127.0.0.1; every process is stopped by its PID on exit; every wait is
# bounded. Exits 1 when wrk saw any error or any non-2xx answer, or a switch failed.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/proxy/lib.sh
source "$here/lib.sh"
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
DURATION=${DURATION:-20} CONNS=${CONNS:-64} EVERY=${EVERY:-1} PROFILE=${PROFILE:-throughput}
BERTH_BIN=${BERTH_BIN:-$root/berth}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/berth-switch.XXXXXX")}
mkdir -p "$OUT/www" "$OUT/backend-tmp"
chmod 755 "$OUT"
for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "switch: needs $tool (bench/proxy/run.sh installs it as root)" >&2; exit 2; }
done
trap 'stop_all' EXIT INT TERM

head -c 1024 /dev/zero | tr '\0' 'a' >"$OUT/www/1k"
head -c 102400 /dev/zero | tr '\0' 'b' >"$OUT/www/100k"
free_port a
free_port b
free_port console
free_port proxy
free_port https
for side in a b; do
  port=${!side}
  mkdir -p "$OUT/$side/backend-tmp"
  ln -sfn "$OUT/www" "$OUT/$side/www"
  render "$here/conf/backend-nginx.conf" "$OUT/$side/backend.conf" "RUN=$OUT/$side" "PORT=$port"
  start "backend-$side" "$OUT/backend-$side.log" \
    nginx -e "$OUT/$side/backend-error.log" -p "$OUT/$side" -c "$OUT/$side/backend.conf" -g 'daemon off;'
  wait_http "http://127.0.0.1:$port/" "${PID_OF[backend-$side]}" 30 || { echo "switch: backend $side did not start" >&2; exit 2; }
done

token=switch-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
say "starting Berth (--profile $PROFILE)"
start berth "$OUT/berth.log" env BERTH_ADMIN_TOKEN="$token" "$BERTH_BIN" serve --profile "$PROFILE" \
  --data-dir "$OUT/data" --console-addr "127.0.0.1:$console" --http-addr "127.0.0.1:$proxy" \
  --https-addr "127.0.0.1:$https" --runtime process
wait_http "http://127.0.0.1:$console/api/v1/health" "${PID_OF[berth]}" 180 ||
  { echo "switch: Berth did not start; see $OUT/berth.log" >&2; exit 2; }
api() { curl -s --max-time 60 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
api -o /dev/null -X POST -d '{"name":"flip"}' "http://127.0.0.1:$console/api/v1/apps"
switch_to() {
  api -X PUT -d "{\"instances\":[\"127.0.0.1:$1\"],\"drain_timeout_seconds\":10}" \
    "http://127.0.0.1:$console/api/v1/apps/flip/instances"
}
switch_to "$a" >/dev/null
for _ in $(seq 50); do
  [[ $(status_and_size "http://127.0.0.1:$proxy/" flip.localhost) == "200 1024" ]] && break
  sleep 0.1
done

say "warming up (10 s)"
wrk -t2 -c"$CONNS" -d10s -H 'Host: flip.localhost' "http://127.0.0.1:$proxy/" >/dev/null
say "wrk for ${DURATION}s, $CONNS connections; a switch every ${EVERY}s"
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H 'Host: flip.localhost' \
  "http://127.0.0.1:$proxy/" >"$OUT/wrk.txt" &
wrk_pid=$!
switches=0 failed=0 target=$b
: >"$OUT/switches.jsonl"
sleep "$EVERY"
while kill -0 "$wrk_pid" 2>/dev/null; do
  reply=$(switch_to "$target") || reply=""
  echo "$reply" >>"$OUT/switches.jsonl"
  if [[ $reply == *'"complete":true'* ]]; then switches=$((switches + 1)); else failed=$((failed + 1)); fi
  target=$([[ $target == "$a" ]] && echo "$b" || echo "$a")
  sleep "$EVERY"
done
wait "$wrk_pid" || true

read -r rps p50 p99 socket_errors non2xx < <(wrk_fields "$OUT/wrk.txt")
requests=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
drain_ms=$(grep -o '"millis":[0-9]*' "$OUT/switches.jsonl" | cut -d: -f2 | sort -n | awk '{a[NR]=$1} END {if (NR) printf "median %d ms, longest %d ms", a[int((NR+1)/2)], a[NR]; else printf "none"}')
{
  echo "# Switching under load, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`DURATION=$DURATION CONNS=$CONNS EVERY=$EVERY PROFILE=$PROFILE bench/proxy/switch.sh\`"
  echo "- Berth $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- requests: $requests ($rps req/s, p50 $p50 ms, p99 $p99 ms)"
  echo "- switches: $switches completed, $failed failed; drain: $drain_ms"
  echo "- socket errors: $socket_errors; non-2xx answers: $non2xx"
} | tee "$OUT/summary.md"
say "logs in $OUT"
[[ $socket_errors == 0 && $non2xx == 0 && $failed == 0 && $switches -gt 0 ]]
