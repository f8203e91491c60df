#!/usr/bin/env bash
# What users rely on from ./berth: one clear line when there is no JDK 25, a rebuild when the
# sources change (and the build log when that fails), `version`, one server per data dir, and a
# clean stop on SIGTERM. The rebuild tests work on a copy of the tree, never on this one.
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=tests/lib.sh
source "$root/tests/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/berth-launcher-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- no JDK 25: a fake JDK 17 (a release file and a `java` that prints a version) is all there is.
fake=$work/fake-jdk-17
mkdir -p "$fake/bin" "$work/tools"
echo 'JAVA_VERSION="17.0.12"' >"$fake/release"
printf '#!/bin/sh\necho '\''openjdk version "17.0.12" 2024-07-16'\'' >&2\n' >"$fake/bin/java"
chmod +x "$fake/bin/java"
# The usual tools, minus any real java, so the launcher can only find the fake one.
for tool in /usr/bin/* /bin/*; do
  case ${tool##*/} in java | javac | jshell) continue ;; esac
  ln -sf "$tool" "$work/tools/${tool##*/}" 2>/dev/null
done
env -i HOME="$work" PATH="$fake/bin:$work/tools" JAVA_HOME="$fake" BERTH_JDK_DIRS="$fake" \
  "$root/berth" version >"$work/nojdk.out" 2>"$work/nojdk.err"
code=$?
check "no JDK 25: exit 2 (got $code)" test "$code" = 2
check "no JDK 25: one line on stderr" test "$(wc -l <"$work/nojdk.err")" = 1
check "no JDK 25: the line names what was found and what to install ($(cat "$work/nojdk.err"))" \
  grep -q "berth: needs JDK 25 or newer (found 17 at $fake); install it, e.g. apt-get install temurin-25-jdk, or set JAVA_HOME" "$work/nojdk.err"
check "no JDK 25: nothing on stdout" test ! -s "$work/nojdk.out"

# --- version
out=$("$root/berth" version 2>"$work/version.err")
check "./berth version prints the version ($out)" grep -Eq '^berth [0-9]+\.[0-9]+\.[0-9]+' <<<"$out"

# --- rebuild on change, on a copy of the tree that already holds a built jar.
copy=$work/tree
mkdir -p "$copy/target"
cp -r "$root/berth" "$root/mvnw" "$root/pom.xml" "$root/.mvn" "$root/build" "$root/src" "$copy/"
cp -p "$root/target/berth.jar" "$copy/target/"
touch "$copy/target/berth.jar"
BERTH_AOT=0 "$copy/berth" version >/dev/null 2>"$work/fresh.err"
check "a fresh jar is not rebuilt" test ! -s "$work/fresh.err"
sleep 1
touch "$copy/src/main/java/dev/berth/Main.java"
before=$(stat -c %Y "$copy/target/berth.jar")
out=$(BERTH_AOT=0 "$copy/berth" version 2>"$work/rebuild.err")
check "a changed source is rebuilt before running ($out)" grep -q '^berth ' <<<"$out"
check "the rebuild says so in one line on stderr" grep -q 'building Berth' "$work/rebuild.err"
check "the rebuilt jar is newer" test "$(stat -c %Y "$copy/target/berth.jar")" -gt "$before"
printf 'package dev.berth;\nclass Broken { int x = "not a number"; }\n' >"$copy/src/main/java/dev/berth/Broken.java"
BERTH_AOT=0 "$copy/berth" version >/dev/null 2>"$work/broken.err"
code=$?
check "a failing build exits 2 (got $code)" test "$code" = 2
check "a failing build shows the end of its log" grep -q 'Broken.java' "$work/broken.err"

# --- serve: one server per data dir, clean stop on SIGTERM.
serve_args=(--data-dir "$work/data" --console-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 --https-addr 127.0.0.1:0)
"$root/berth" serve "${serve_args[@]}" >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
if port=$(wait_console_port "$work/serve.out" 120 "$pid"); then
  status=$(http_status "$port" /api/v1/health)
  check "./berth serve answers 200 on /api/v1/health (got $status)" test "$status" = 200
  "$root/berth" serve "${serve_args[@]}" >"$work/second.out" 2>"$work/second.err"
  code=$?
  check "a second serve on the same data dir exits 2 (got $code)" test "$code" = 2
  check "a second serve says why in one line ($(cat "$work/second.err"))" \
    test "$(wc -l <"$work/second.err")" = 1
  check "the line names the data dir in use" grep -q "is in use by another Berth process" "$work/second.err"
else
  not_ok "./berth serve starts; its output:"
  tail -n 20 "$work/serve.out" "$work/serve.err"
fi
stop_with_sigterm "$pid" 30
check "SIGTERM stops ./berth serve cleanly (exit $STOP_CODE)" test "$STOP_CODE" = 0 -o "$STOP_CODE" = 143
check "the store was closed before exit" grep -q 'store closed' "$work/serve.err"
finish
