#!/usr/bin/env bash
# The bundle works on a host with no JDK: unpack it in a temp dir and run it with a bare PATH and
# no JAVA_HOME; `version` answers and `serve` gets healthy.
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=tests/lib.sh
source "$root/tests/lib.sh"

archive=$(ls "$root"/target/berth-*-linux-*.tar.gz 2>/dev/null | head -n 1)
if [[ -z "$archive" ]]; then
  not_ok "bundle exists in target/ (run ./mvnw package first)"
  finish
  exit
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/berth-bundle-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"
home=$(ls -d "$work"/berth-*/)
home=${home%/}
# No JDK on PATH and no JAVA_HOME. (For background runs env is called directly, so that $! is
# the server itself and not a subshell.)
bare() { env -i PATH=/usr/bin:/bin HOME="$work" "$@"; }

check "bundle holds runtime/, lib/berth.jar and bin/berth" \
  test -x "$home/runtime/bin/java" -a -f "$home/lib/berth.jar" -a -x "$home/bin/berth"
out=$(bare "$home/bin/berth" version 2>&1)
check "bin/berth version works without a JDK on PATH ($out)" grep -q '^berth [0-9]' <<<"$out"
out=$(bare BERTH_JAVA_OPTS=-Xshare:on "$home/bin/berth" version 2>&1)
check "the bundled runtime has a class-data sharing archive for Berth's flags ($out)" \
  grep -q '^berth [0-9]' <<<"$out"

env -i PATH=/usr/bin:/bin HOME="$work" "$home/bin/berth" serve --data-dir "$work/data" --console-addr 127.0.0.1:0 \
  --http-addr 127.0.0.1:0 --https-addr 127.0.0.1:0 >"$work/serve.log" 2>&1 &
pid=$!
if port=$(wait_console_port "$work/serve.log" 120 "$pid"); then
  status=$(http_status "$port" /api/v1/health)
  check "bin/berth serve answers 200 on /api/v1/health (got $status)" test "$status" = 200
else
  not_ok "bin/berth serve starts; its log:"
  tail -n 20 "$work/serve.log"
fi
stop_with_sigterm "$pid" 30
code=$STOP_CODE
check "bin/berth serve stops on SIGTERM (exit $code)" test "$code" = 0 -o "$code" = 143
check "no Berth process is left running" test -z "$(pgrep -f -- "--data-dir $work/data" || true)"
finish
