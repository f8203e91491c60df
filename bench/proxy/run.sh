#!/usr/bin/env bash
# Berth's proxy benchmark: one fast backend (nginx), and side by side nginx, HAProxy, Caddy and
# Berth (`./berth serve`, once its proxy answers a route added through the API) each proxying
# Host app.local to it with upstream keep-alive. wrk drives every target on 127.0.0.1 in
# rotation, several rounds; the script prints Markdown tables of medians (req/s, p50, p99),
# errors, Berth's ratio to each peer, RSS idle and after load, and Berth's longest GC pause.
#
#   bench/proxy/run.sh                 full run (1 KiB and 100 KiB, 64 and 256 connections)
#   QUICK=1 bench/proxy/run.sh         smoke check: 1 round, 5 s, 64 connections, 1 KiB
#
# Knobs (environment): DURATION (s per run, 10), ROUNDS (3), CONNS ("64 256"), BODIES
# ("1k 100k"), WARMUP (s per target and case, unrecorded, 3), TARGETS (default
# "direct nginx haproxy caddy berth"), BERTH_PROFILES ("throughput small": the first runs beside
# the peers, later ones in a separate pass against SMALL_PASS_TARGETS, default "direct nginx"),
# RESULTS (folder, default bench/proxy/results/DATE-TIME), KEEP_RUNDIR=1 (keep configs and logs),
# BERTH_BIN (the launcher, default ./berth).
#
# Everything listens on 127.0.0.1 only. Every server is started in the background, its PID
# recorded, and stopped by that PID on exit (trap). Every wait is bounded: servers get 30 s to
# listen (Berth 180 s, it may build its jar first), each wrk run DURATION + 30 s.
# Run as root, it installs missing Debian packages (nginx, haproxy, caddy, wrk) with apt-get;
# otherwise it names what is missing and skips those peers.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/proxy/lib.sh
source "$here/lib.sh"
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

command_line="$(for v in QUICK DURATION ROUNDS CONNS BODIES WARMUP TARGETS BERTH_PROFILES; do
  if [[ -n ${!v:-} ]]; then printf "%s='%s' " "$v" "${!v}"; fi; done)bench/proxy/run.sh"
if [[ ${QUICK:-} == 1 ]]; then
  : "${ROUNDS:=1}" "${DURATION:=5}" "${CONNS:=64}" "${BODIES:=1k}" "${WARMUP:=2}"
fi
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-64 256} BODIES=${BODIES:-1k 100k}
WARMUP=${WARMUP:-3} TARGETS=${TARGETS:-direct nginx haproxy caddy berth}
BERTH_PROFILES=${BERTH_PROFILES:-throughput small} SMALL_PASS_TARGETS=${SMALL_PASS_TARGETS:-direct nginx}
THREADS=2 BERTH_BIN=${BERTH_BIN:-$root/berth}
started_at=$(date -u '+%Y-%m-%d %H:%M UTC')
RESULTS=${RESULTS:-$here/results/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS/raw"
RESULTS=$(cd "$RESULTS" && pwd)

for tool in curl awk sed timeout; do
  command -v "$tool" >/dev/null || { echo "bench/proxy: needs $tool" >&2; exit 2; }
done

# ---------------------------------------------------------------------------------- the tools
declare -A binary_of=([nginx]=nginx [haproxy]=haproxy [caddy]=caddy [wrk]=wrk)
missing=()
for pkg in nginx haproxy caddy wrk; do command -v "${binary_of[$pkg]}" >/dev/null || missing+=("$pkg"); done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]} (apt-get)"
    # Keep Debian's maintainer scripts from starting the packaged services on 0.0.0.0:80.
    guard=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      guard=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod 755 "$guard"
    fi
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >"$RESULTS/apt-get.log" 2>&1 ||
      { apt-get update -q >>"$RESULTS/apt-get.log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends \
          "${missing[@]}" >>"$RESULTS/apt-get.log" 2>&1; } || say "apt-get failed, see $RESULTS/apt-get.log"
    [[ -n $guard ]] && rm -f "$guard"
    missing=()
    for pkg in nginx haproxy caddy wrk; do command -v "${binary_of[$pkg]}" >/dev/null || missing+=("$pkg"); done
  fi
  ((${#missing[@]})) && say "missing: ${missing[*]} (install the Debian packages, or run as root); skipping them"
fi
command -v wrk >/dev/null || { echo "bench/proxy: wrk is required" >&2; exit 2; }
command -v nginx >/dev/null || { echo "bench/proxy: nginx is required for the backend" >&2; exit 2; }
wanted=()
for target in $TARGETS; do
  case $target in
    direct | berth) wanted+=("$target") ;;
    nginx | haproxy | caddy) command -v "$target" >/dev/null && wanted+=("$target") ;;
    *) echo "bench/proxy: unknown target $target" >&2; exit 2 ;;
  esac
done

# ------------------------------------------------------------------------ scratch and cleanup
run=$(mktemp -d "${TMPDIR:-/tmp}/berth-proxy-bench.XXXXXX")
chmod 755 "$run" # nginx workers may run as nobody
cleanup() {
  local rc=$?
  stop_all
  if [[ ${KEEP_RUNDIR:-} == 1 ]]; then say "kept $run"; else rm -rf "$run"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$run/www" "$run/backend-tmp" "$run/nginx-proxy-tmp" "$run/caddy"
head -c 1024 /dev/zero | tr '\0' 'a' >"$run/www/1k"
head -c 102400 /dev/zero | tr '\0' 'b' >"$run/www/100k"
chmod -R a+rX "$run/www"
declare -A path_of=([1k]=/ [100k]=/100k) size_of=([1k]=1024 [100k]=102400)
declare -A PORT_OF=() LABEL_OF=() RSS_IDLE=() RSS_END=() NOTE_OF=()
ORDER=() # targets in the order they were measured

# ------------------------------------------------------------------------------ the servers
free_port backend
render "$here/conf/backend-nginx.conf" "$run/backend.conf" RUN="$run" PORT="$backend"
start direct "$run/backend.log" nginx -e "$run/backend-error.log" -p "$run" -c "$run/backend.conf" -g 'daemon off;'
PORT_OF[direct]=$backend LABEL_OF[direct]="backend direct (no proxy)"

for target in "${wanted[@]}"; do
  free_port port
  case $target in
    nginx)
      render "$here/conf/nginx-proxy.conf" "$run/nginx-proxy.conf" RUN="$run" PORT="$port" BACKEND_PORT="$backend"
      start nginx "$run/nginx-proxy.log" nginx -e "$run/nginx-proxy-error.log" -p "$run" -c "$run/nginx-proxy.conf" -g 'daemon off;'
      LABEL_OF[nginx]="nginx $(nginx -v 2>&1 | sed 's|.*/||')" ;;
    haproxy)
      render "$here/conf/haproxy.cfg" "$run/haproxy.cfg" PORT="$port" BACKEND_PORT="$backend"
      start haproxy "$run/haproxy.log" haproxy -db -f "$run/haproxy.cfg"
      LABEL_OF[haproxy]="HAProxy $(haproxy -v | awk 'NR == 1 {print $3}')" ;;
    caddy)
      render "$here/conf/Caddyfile" "$run/Caddyfile" PORT="$port" BACKEND_PORT="$backend"
      start caddy "$run/caddy.log" env HOME="$run/caddy" XDG_DATA_HOME="$run/caddy" XDG_CONFIG_HOME="$run/caddy" \
        caddy run --config "$run/Caddyfile" --adapter caddyfile
      LABEL_OF[caddy]="Caddy $(caddy version | awk '{print $1}')" ;;
    *) continue ;;
  esac
  PORT_OF[$target]=$port
done

# start_berth PROFILE: ./berth serve on a fresh data dir; when POST /api/v1/routes is accepted
# and the proxy answers for app.local, the target berth-PROFILE joins the runs. Otherwise the
# reason is kept in NOTE_OF and Berth is stopped.
start_berth() {
  local profile=$1 name=berth-$1 console proxy https token code
  free_port console && free_port proxy && free_port https
  token=bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  LABEL_OF[$name]="Berth --profile $profile"
  start "$name" "$run/$name.log" env BERTH_ADMIN_TOKEN="$token" \
    BERTH_JAVA_OPTS="${BERTH_JAVA_OPTS:-} -Xlog:gc:file=$run/$name-gc.log" \
    "$BERTH_BIN" serve --profile "$profile" --data-dir "$run/$name-data" \
    --console-addr "127.0.0.1:$console" --http-addr "127.0.0.1:$proxy" --https-addr "127.0.0.1:$https" \
    --runtime process
  if ! wait_http "http://127.0.0.1:$console/api/v1/health" "${PID_OF[$name]}" 180; then
    NOTE_OF[$name]="not available: ./berth serve did not become healthy ($(tail -n 3 "$run/$name.log" | tr '\n' ' '))"
  else
    code=$(curl -s -o "$run/$name-route.json" -w '%{http_code}' --max-time 10 -X POST \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"host\":\"app.local\",\"targets\":[\"127.0.0.1:$backend\"]}" \
      "http://127.0.0.1:$console/api/v1/routes") || code=000
    if [[ $code != 2* ]]; then
      NOTE_OF[$name]="not available: POST /api/v1/routes answered $code (no proxy in this build yet)"
    elif ! wait_http "http://127.0.0.1:$proxy/" "${PID_OF[$name]}" 10 -H 'Host: app.local'; then
      NOTE_OF[$name]="not available: route accepted ($code) but nothing answers on --http-addr 127.0.0.1:$proxy"
    else
      PORT_OF[$name]=$proxy
      return 0
    fi
  fi
  cp "$run/$name.log" "$RESULTS/$name.log" 2>/dev/null || true
  stop_pid "${PID_OF[$name]}"
  say "Berth ($profile) ${NOTE_OF[$name]}"
  return 1
}

for target in "${!PORT_OF[@]}"; do
  wait_http "http://127.0.0.1:${PORT_OF[$target]}/" "${PID_OF[$target]}" 30 ||
    { say "$target did not start; its log:"; tail -n 20 "${LOG_OF[$target]}" >&2 || true
      NOTE_OF[$target]="did not start: $(tail -n 1 "${LOG_OF[$target]}")"; unset "PORT_OF[$target]"; }
done
[[ -n ${PORT_OF[direct]:-} ]] || { echo "bench/proxy: the backend did not start" >&2; exit 1; }

berth_profiles=($BERTH_PROFILES)
berth_main=""
if [[ " ${wanted[*]} " == *" berth "* ]] && ((${#berth_profiles[@]})); then
  say "building Berth if its jar is stale"
  if ! (cd "$root" && timeout 900 "$BERTH_BIN" version >"$run/berth-build.log" 2>&1); then
    NOTE_OF[berth-${berth_profiles[0]}]="not available: ./berth version failed ($(tail -n 2 "$run/berth-build.log" | tr '\n' ' '))"
    LABEL_OF[berth-${berth_profiles[0]}]="Berth --profile ${berth_profiles[0]}"
    berth_profiles=()
  elif start_berth "${berth_profiles[0]}"; then
    berth_main=berth-${berth_profiles[0]}
  else
    berth_profiles=("${berth_profiles[0]}") # same build, no point trying the other profile
  fi
fi

# ------------------------------------------------------------------------------ sanity check
# sane TARGET: 200 with the right length for both bodies under Host app.local, 404 otherwise.
sane() {
  local target=$1 url=http://127.0.0.1:${PORT_OF[$1]} body got ok=0
  for body in $BODIES; do
    got=$(status_and_size "$url${path_of[$body]}" app.local)
    echo "$target Host app.local ${path_of[$body]} -> $got (want 200 ${size_of[$body]})" >>"$RESULTS/sanity.txt"
    [[ $got == "200 ${size_of[$body]}" ]] || ok=1
  done
  if [[ $target != direct ]]; then
    got=$(status_and_size "$url/" other.local)
    echo "$target Host other.local / -> $got (want 404)" >>"$RESULTS/sanity.txt"
    [[ $got == 404* ]] || ok=1
  fi
  return $ok
}

# ------------------------------------------------------------------------------------- load
printf 'pass\ttarget\tbody\tconns\tround\treq_s\tp50_ms\tp99_ms\tsocket_errors\tnon_2xx\tloadavg1\tfile\n' >"$RESULTS/runs.tsv"

wrk_run() { # TARGET BODY CONNS SECONDS OUT
  timeout $(($4 + 30)) wrk -t"$THREADS" -c"$3" -d"$4s" --latency -H 'Host: app.local' \
    "http://127.0.0.1:${PORT_OF[$1]}${path_of[$2]}" >"$5" 2>&1 || true
}

# load_pass PASS TARGET...: warm-up then ROUNDS interleaved rounds for every (body, conns).
load_pass() {
  local pass=$1 target body conns round i n file load
  shift
  local targets=("$@")
  n=${#targets[@]}
  for target in "${targets[@]}"; do RSS_IDLE[$target]=${RSS_IDLE[$target]:-$(rss_mib "${PID_OF[$target]}")}; done
  for body in $BODIES; do
    for conns in $CONNS; do
      say "$pass: $body body, $conns connections: warm-up ${WARMUP}s per target"
      for target in "${targets[@]}"; do wrk_run "$target" "$body" "$conns" "$WARMUP" "$run/warmup.txt"; done
      for ((round = 1; round <= ROUNDS; round++)); do
        for ((i = 0; i < n; i++)); do
          target=${targets[$(((i + round - 1) % n))]} # each round starts one target later
          file=raw/$pass-$target-$body-c$conns-r$round.txt
          load=$(loadavg1)
          say "$pass: $target $body c$conns round $round/$ROUNDS (loadavg $load)"
          { echo "# $(date -u '+%F %T UTC') loadavg $(cat /proc/loadavg)"
            echo "# wrk -t$THREADS -c$conns -d${DURATION}s --latency -H 'Host: app.local' http://127.0.0.1:${PORT_OF[$target]}${path_of[$body]}"; } >"$RESULTS/$file"
          wrk_run "$target" "$body" "$conns" "$DURATION" "$run/wrk.txt"
          cat "$run/wrk.txt" >>"$RESULTS/$file"
          read -r rps p50 p99 sock non2xx < <(wrk_fields "$run/wrk.txt")
          printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pass" "$target" "$body" "$conns" "$round" \
            "$rps" "$p50" "$p99" "$sock" "$non2xx" "$load" "$file" >>"$RESULTS/runs.tsv"
        done
      done
    done
  done
  sleep 3
  for target in "${targets[@]}"; do
    [[ -n ${RSS_END[$target]:-} ]] || ORDER+=("$target")
    RSS_END[$target]=$(rss_mib "${PID_OF[$target]}")
  done
}

# sane_targets TARGET...: sets SANE to those that pass the sanity check.
sane_targets() {
  local target
  SANE=()
  for target in "$@"; do
    [[ -n ${PORT_OF[$target]:-} ]] || continue
    if sane "$target"; then SANE+=("$target"); else
      say "$target failed the sanity check (see sanity.txt); left out"
      NOTE_OF[$target]="failed the sanity check (see sanity.txt)"
    fi
  done
  return 0
}

load_start=$(cat /proc/loadavg)
sleep 3 # let every server settle before the idle RSS sample
for target in "${!PORT_OF[@]}"; do RSS_IDLE[$target]=$(rss_mib "${PID_OF[$target]}"); done

main=(direct)
for target in "${wanted[@]}"; do [[ $target == direct || $target == berth ]] || main+=("$target"); done
if [[ -n $berth_main ]]; then main+=("$berth_main"); fi
sane_targets "${main[@]}"
main=("${SANE[@]}")
passes=("main")
cases=$(($(wc -w <<<"$BODIES") * $(wc -w <<<"$CONNS")))
say "main pass: ${main[*]}; about $((cases * ${#main[@]} * (ROUNDS * DURATION + WARMUP) / 60 + 1)) min"
load_pass main "${main[@]}"
if [[ -n $berth_main ]]; then cp "$run/$berth_main-gc.log" "$RESULTS/" 2>/dev/null || true; fi

# Further Berth profiles, one pass each, against the anchors of SMALL_PASS_TARGETS.
if [[ -n $berth_main ]]; then
  stop_pid "${PID_OF[$berth_main]}"
  for profile in "${berth_profiles[@]:1}"; do
    name=berth-$profile
    start_berth "$profile" || continue
    targets=()
    for target in $SMALL_PASS_TARGETS; do [[ " ${main[*]} " == *" $target "* ]] && targets+=("$target"); done
    sleep 3
    sane_targets "${targets[@]}" "$name"
    targets=("${SANE[@]}")
    [[ " ${targets[*]} " == *" $name "* ]] || continue
    passes+=("$profile")
    say "$profile pass: ${targets[*]}"
    load_pass "$profile" "${targets[@]}"
    cp "$run/$name-gc.log" "$RESULTS/" 2>/dev/null || true
    stop_pid "${PID_OF[$name]}"
  done
fi
load_end=$(cat /proc/loadavg)

# ---------------------------------------------------------------------------------- summary
col() { # PASS TARGET BODY CONNS COLUMN -> the values of that column, one a line
  awk -F'\t' -v p="$1" -v t="$2" -v b="$3" -v c="$4" -v k="$5" 'NR > 1 && $1 == p && $2 == t && $3 == b && $4 == c {print $k}' "$RESULTS/runs.tsv"
}
joined() { while read -r v; do thousands "${v%.*}"; echo; done | paste -sd/ - | sed 's|/| / |g'; }

summary() {
  local pass target body conns rps p50 p99 peer errors
  echo "# Proxy benchmark, $started_at"
  echo
  echo "- command: \`$command_line\`"
  echo "- each run: \`wrk -t$THREADS -cN -d${DURATION}s --latency -H 'Host: app.local' http://127.0.0.1:PORT/PATH\`, ${WARMUP} s unrecorded warm-up per target and case, $ROUNDS round(s) in rotation"
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "- loadavg (1/5/15 min) at start: ${load_start% */*}, at end: ${load_end% */*}; loadavg1 before each run is in the tables"
  echo "- versions: $(for t in nginx haproxy caddy; do [[ -n ${LABEL_OF[$t]:-} ]] && printf '%s, ' "${LABEL_OF[$t]}"; done)wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'), Berth $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  for target in "${!NOTE_OF[@]}"; do echo "- ${LABEL_OF[$target]:-$target}: ${NOTE_OF[$target]}"; done
  for pass in "${passes[@]}"; do
    for body in $BODIES; do
      for conns in $CONNS; do
        echo
        echo "## $([[ $pass == main ]] || echo "Pass --profile $pass: ")${body/k/ KiB} body, $conns connections"
        echo
        echo "| target | req/s median | p50 ms median | p99 ms median | req/s runs | p99 ms runs | errors (socket; non-2xx) | loadavg1 at start |"
        echo "|---|---|---|---|---|---|---|---|"
        local berth="" targets=()
        mapfile -t targets < <(awk -F'\t' -v p="$pass" 'NR > 1 && $1 == p && !seen[$2]++ {print $2}' "$RESULTS/runs.tsv")
        for target in "${targets[@]}"; do
          [[ $target == berth-* ]] && berth=$target
          rps=$(col "$pass" "$target" "$body" "$conns" 6 | median)
          p50=$(col "$pass" "$target" "$body" "$conns" 7 | median)
          p99=$(col "$pass" "$target" "$body" "$conns" 8 | median)
          errors="$(col "$pass" "$target" "$body" "$conns" 9 | awk '{s += $1} END {print s + 0}'); $(col "$pass" "$target" "$body" "$conns" 10 | awk '{s += $1} END {print s + 0}')"
          printf '| %s | **%s** | %s | %s | %s | %s | %s | %s |\n' "${LABEL_OF[$target]:-$target}" \
            "$(thousands "${rps%.*}")" "$p50" "$p99" "$(col "$pass" "$target" "$body" "$conns" 6 | joined)" \
            "$(col "$pass" "$target" "$body" "$conns" 8 | paste -sd/ - | sed 's|/| / |g')" "$errors" \
            "$(col "$pass" "$target" "$body" "$conns" 11 | paste -sd/ - | sed 's|/| / |g')"
        done
        [[ -n $berth ]] || continue
        echo
        echo "${LABEL_OF[$berth]} relative to each (req/s ratio: above 1 is faster; p99 ratio: below 1 is better):"
        echo
        echo "| vs | req/s ratio | p99 ratio |"
        echo "|---|---|---|"
        for peer in "${targets[@]}"; do
          [[ $peer == "$berth" ]] && continue
          printf '| %s | %s | %s |\n' "${LABEL_OF[$peer]:-$peer}" \
            "$(ratio "$(col "$pass" "$berth" "$body" "$conns" 6 | median)" "$(col "$pass" "$peer" "$body" "$conns" 6 | median)")" \
            "$(ratio "$(col "$pass" "$berth" "$body" "$conns" 8 | median)" "$(col "$pass" "$peer" "$body" "$conns" 8 | median)")"
        done
      done
    done
  done
  echo
  echo "## Memory (VmRSS summed over the process tree, MiB)"
  echo
  echo "| target | processes | idle after start | after the load |"
  echo "|---|---|---|---|"
  for target in "${ORDER[@]}"; do
    printf '| %s | %s | %s | %s |\n' "${LABEL_OF[$target]:-$target}" \
      "$(case $target in direct | nginx) echo 3 ;; *) echo 1 ;; esac)" "${RSS_IDLE[$target]:--}" "${RSS_END[$target]}"
  done
  for target in "${ORDER[@]}"; do
    [[ $target == berth-* ]] || continue
    echo
    echo "${LABEL_OF[$target]}: longest GC pause over the whole run: $(gc_max_pause_ms "$RESULTS/$target-gc.log")"
  done
  return 0
}

summary | tee "$RESULTS/summary.md"
say "results in ${RESULTS#"$root"/}"
