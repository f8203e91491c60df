#!/usr/bin/env bash
# Cold start of `./berth serve` (the launcher and its default flags, as a user runs it) until
# /api/v1/health answers 200: the median of RUNS runs (default 5) for both profiles, with and
# without the start-up (AOT) cache, in two cases: a restart on an existing data dir (what every
# start but the first is) and the first start of an empty data dir (which also migrates the store,
# creates the master key and hashes the admin's password). Also prints the artifact sizes.
#   bench/startup.sh [RUNS]
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
runs=${1:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$root/berth" version >/dev/null # builds the jar when it is stale, outside the timings

one_start() { # PROFILE [DATA_DIR] → milliseconds on stdout; a fresh data dir unless one is given
  local profile=$1 port data t0 t1
  port=$(free_port)
  data=${2:-$work/data-$RANDOM$RANDOM}
  t0=$(date +%s%N)
  start_serve "$profile" "$data" "$port" "$work/serve.log"
  wait_healthy "$port" || { echo "bench: serve did not start; log:" >&2; cat "$work/serve.log" >&2; exit 1; }
  t1=$(date +%s%N)
  stop_serve
  [[ -n ${2:-} ]] || rm -rf "$data"
  echo $(((t1 - t0) / 1000000))
}

printf '| profile | start-up cache | data dir | median ms | runs (ms) |\n|---|---|---|---|---|\n'
for profile in small throughput; do
  for aot in 0 1; do
    existing=$work/existing-$profile-$aot
    BERTH_AOT=$aot one_start "$profile" "$existing" >/dev/null # first start; trains the cache; not timed
    label=$([[ $aot == 1 ]] && echo "on" || echo "off")
    for case in restart first; do
      times=()
      for ((i = 0; i < runs; i++)); do
        if [[ $case == restart ]]; then
          times+=("$(BERTH_AOT=$aot one_start "$profile" "$existing")")
        else
          times+=("$(BERTH_AOT=$aot one_start "$profile")")
        fi
      done
      printf '| %s | %s | %s | %s | %s |\n' "$profile" "$label" \
        "$([[ $case == restart ]] && echo "existing (restart)" || echo "empty (first start)")" \
        "$(printf '%s\n' "${times[@]}" | median)" "${times[*]}"
    done
  done
done

echo
printf '| artifact | size |\n|---|---|\n'
size() { [[ -e $1 ]] && du -sh --apparent-size "$1" | cut -f1 || echo "(missing)"; }
printf '| target/berth.jar | %s |\n' "$(size "$root/target/berth.jar")"
for f in "$root"/target/berth-*-linux-*.tar.gz "$root"/target/berth-*.aot; do
  [[ -e $f ]] && printf '| target/%s | %s |\n' "${f##*/}" "$(size "$f")"
done
if bundle=$(ls "$root"/target/berth-*-linux-*.tar.gz 2>/dev/null | head -n 1) && [[ -n $bundle ]]; then
  mkdir -p "$work/unpacked" && tar -xzf "$bundle" -C "$work/unpacked"
  printf '| bundle unpacked | %s |\n' "$(size "$work/unpacked")"
fi
