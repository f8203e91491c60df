#!/usr/bin/env bash
# Where Berth's proxy spends per request: one short wrk run (1 KiB, keep-alive) through
# `berth serve --profile throughput` with a flight recording made after the warm-up, then the
# allocation per request (from every thread's allocation counters), the GC pauses and the top
# allocation sites and hot methods. For finding costs, not for headline numbers (run.sh is that).
#
#   bench/proxy/profile.sh            # DURATION=10 WARMUP=10 CONNS=64; output in $OUT (a temp dir)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DURATION=${DURATION:-10} WARMUP=${WARMUP:-10} CONNS=${CONNS:-64}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/berth-profile.XXXXXX")}
mkdir -p "$OUT" && chmod 755 "$OUT"
for tool in nginx wrk curl jfr jcmd; do
  command -v "$tool" >/dev/null || { echo "profile: needs $tool" >&2; exit 2; }
done
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
backend=$(port) console=$(port) proxy=$(port) https=$(port)
mkdir -p "$OUT/www" "$OUT/backend-tmp"
head -c 1024 /dev/zero | tr '\0' 'a' >"$OUT/www/1k"
head -c 102400 /dev/zero | tr '\0' 'b' >"$OUT/www/100k"
sed -e "s|@RUN@|$OUT|g" -e "s|@PORT@|$backend|g" "$here/conf/backend-nginx.conf" >"$OUT/backend.conf"
nginx -e "$OUT/backend-error.log" -p "$OUT" -c "$OUT/backend.conf" -g 'daemon off;' &
nginx_pid=$!
token=profile-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
BERTH_ADMIN_TOKEN=$token BERTH_AOT=0 \
  BERTH_JAVA_OPTS="${BERTH_JAVA_OPTS:-} -Xlog:gc:file=$OUT/gc.log" \
  "$root/berth" serve --profile throughput --data-dir "$OUT/data" --console-addr "127.0.0.1:$console" \
  --http-addr "127.0.0.1:$proxy" --https-addr "127.0.0.1:$https" --runtime process >"$OUT/berth.log" 2>&1 &
berth_pid=$!
trap 'kill "$berth_pid" "$nginx_pid" 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$console/api/v1/health" >/dev/null && break; sleep 0.2; done
curl -fs -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"host\":\"app.local\",\"targets\":[\"127.0.0.1:$backend\"]}" "http://127.0.0.1:$console/api/v1/routes"
for _ in $(seq 50); do curl -fs -o /dev/null -H 'Host: app.local' "http://127.0.0.1:$proxy/" && break; sleep 0.2; done
java_pid=$(pgrep -P "$berth_pid" java || echo "$berth_pid")
wrk -t2 -c"$CONNS" -d"${WARMUP}s" -H 'Host: app.local' "http://127.0.0.1:$proxy/" >/dev/null
jcmd "$java_pid" JFR.start name=hot settings=profile \
  "jdk.ThreadAllocationStatistics#period=1s" >/dev/null
gc_before=$(grep -c 'Pause' "$OUT/gc.log" || true)
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H 'Host: app.local' "http://127.0.0.1:$proxy/" >"$OUT/wrk.txt"
gc_after=$(grep -c 'Pause' "$OUT/gc.log" || true)
jcmd "$java_pid" JFR.stop name=hot filename="$OUT/hot.jfr" >/dev/null
requests=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
# Allocated bytes per thread are cumulative: the last sample minus the first, summed over threads.
jfr print --json --events jdk.ThreadAllocationStatistics "$OUT/hot.jfr" | python3 -c '
import json, sys
first, last = {}, {}
for e in json.load(sys.stdin)["recording"]["events"]:
    v = e["values"]; t = (v["thread"] or {}).get("javaThreadId")
    first.setdefault(t, v["allocated"]); last[t] = v["allocated"]
print(sum(last[t] - first[t] for t in last))' >"$OUT/allocated.txt"
allocated=$(cat "$OUT/allocated.txt")
{
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E 'Requests/sec|99%|50%' "$OUT/wrk.txt"
  echo "requests: $requests, GC pauses during the run: $((gc_after - gc_before))"
  echo "allocated: $allocated bytes, $((allocated / (requests > 0 ? requests : 1))) bytes per request"
  echo "top allocation sites (sampled weight):"
  jfr print --events jdk.ObjectAllocationSample --stack-depth 3 "$OUT/hot.jfr" |
    awk '/objectClass = / {c=$3} /weight = / {w=$3} /line:/ && !s {s=$1} /^}/ {print c, s; s=""}' |
    sort | uniq -c | sort -rn | head -25
  echo "top methods (execution samples, top frame):"
  jfr print --events jdk.ExecutionSample --stack-depth 1 "$OUT/hot.jfr" |
    awk '/line:/ {print $1}' | sort | uniq -c | sort -rn | head -25
} | tee "$OUT/summary.txt"
