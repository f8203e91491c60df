#!/usr/bin/env bash
# Idle memory of `./berth serve` with no apps: VmRSS (and its anon/file split) of the JVM SECONDS
# (default 60) after start, for both profiles, with and without the start-up cache. The four
# servers run side by side, each on its own fresh data dir.
#   bench/idle-rss.sh [SECONDS] [serve|proxy]
# Mode proxy measures `./berth proxy` instead: one small `serve` owns a fresh data dir and the four
# proxies (both profiles, cache off and on) follow its store side by side.
# BENCH_NMT=1 also turns on Native Memory Tracking (adds about 1 MiB) and prints
# `jcmd VM.native_memory summary` for each, which says where the memory goes.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
seconds=${1:-60}
mode=${2:-serve}
[[ $mode == serve || $mode == proxy ]] || { echo "usage: bench/idle-rss.sh [SECONDS] [serve|proxy]" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-rss.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait; rm -rf "$work"' EXIT

"$root/berth" version >/dev/null
if [[ ${BENCH_NMT:-} == 1 ]]; then export BERTH_JAVA_OPTS="${BERTH_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"; fi
# Train both caches first so that no training run overlaps the measured ones.
for profile in small throughput; do
  port=$(free_port)
  BERTH_AOT=1 start_serve "$profile" "$work/warm-$profile" "$port" "$work/warm.log"
  wait_healthy "$port"
  stop_serve
done

configs=("small 0" "small 1" "throughput 0" "throughput 1")
declare -A pid_of port_of
if [[ $mode == proxy ]]; then
  owner_port=$(free_port)
  BERTH_AOT=1 start_serve small "$work/data-owner" "$owner_port" "$work/owner.log"
  wait_healthy "$owner_port"
  pids+=("$SERVE_PID")
fi
for config in "${configs[@]}"; do
  read -r profile aot <<<"$config"
  if [[ $mode == proxy ]]; then
    BERTH_AOT=$aot start_proxy "$profile" "$work/data-owner" "$owner_port" "$work/proxy-$profile-$aot.log"
    pid_of[$config]=$PROXY_PID
    pids+=("$PROXY_PID")
    continue
  fi
  port=$(free_port)
  BERTH_AOT=$aot start_serve "$profile" "$work/data-$profile-$aot" "$port" "$work/$profile-$aot.log"
  wait_healthy "$port"
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health"
  pid_of[$config]=$SERVE_PID port_of[$config]=$port
  pids+=("$SERVE_PID")
done
sleep "$seconds"

printf '| profile | start-up cache | VmRSS MiB | RssAnon | RssFile | RssShmem | classes |\n|---|---|---|---|---|---|---|\n'
for config in "${configs[@]}"; do
  read -r profile aot <<<"$config"
  pid=${pid_of[$config]}
  status=/proc/$pid/status
  field() { awk -v k="$1:" '$1 == k {print $2}' "$status"; }
  classes=$("$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd" "$pid" PerfCounter.print 2>/dev/null |
    awk -F= '/java.cls.loadedClasses=/ {l = $2} /java.cls.sharedLoadedClasses=/ {s = $2} END {if (l) print l + s " (" s " from the CDS/AOT archive)"}')
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$profile" "$([[ $aot == 1 ]] && echo on || echo off)" \
    "$(mib "$(field VmRSS)")" "$(mib "$(field RssAnon)")" "$(mib "$(field RssFile)")" \
    "$(mib "$(field RssShmem)")" "${classes:-?}"
done
if [[ ${BENCH_NMT:-} == 1 ]]; then
  for config in "${configs[@]}"; do
    echo
    echo "### NMT: $config (profile, cache)"
    "$(dirname "$(readlink -f "/proc/${pid_of[$config]}/exe")")/jcmd" "${pid_of[$config]}" VM.native_memory summary |
      grep -E '^(Total|-| *\(classes)' | sed 's/^/    /'
  done
fi
