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
# The usual tools, minus any real java (so the launcher can only find the fake one) and minus curl
# and wget (so ./mvnw has to download with Java).
for tool in /usr/bin/* /bin/*; do
  case ${tool##*/} in java | javac | jshell | curl | wget) continue ;; esac
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

# --- profiles: the heap cap shows which flags the JVM got.
max_heap() { BERTH_AOT=0 BERTH_JAVA_OPTS=-XshowSettings:vm "$root/berth" "$@" 2>&1 |
  sed -n "s/.*Max. Heap Size: *//p"; }
check "serve runs with the small profile by default (max heap $(max_heap serve --help))" \
  test "$(max_heap serve --help)" = 64.00M
check "--profile throughput before the command gives the throughput heap" \
  test "$(max_heap --profile throughput serve --help)" = 256.00M
check "--profile=throughput after the command too" \
  test "$(max_heap serve --profile=throughput --help)" = 256.00M
check "BERTH_PROFILE=throughput too" test "$(BERTH_PROFILE=throughput max_heap serve --help)" = 256.00M
BERTH_AOT=0 "$root/berth" serve --profile huge >/dev/null 2>"$work/profile.err"
code=$?
check "an unknown profile exits 2 with one line (exit $code: $(cat "$work/profile.err"))" \
  test "$code" = 2 -a "$(wc -l <"$work/profile.err")" = 1

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

# --- ./mvnw with neither curl nor wget: it downloads with Download.java and checks the SHA-512.
# A fake Maven distribution is served from this machine by the JDK's own jwebserver.
jdk=$(bash -c 'source "$1/build/find-jdk.sh"; berth_find_jdk test && echo "$BERTH_JAVA_HOME"' _ "$root")
wrap=$work/wrapper-tree
mkdir -p "$wrap/build" "$wrap/.mvn/wrapper" "$work/www/fake" "$work/www/src/apache-maven-9.9.9/bin"
cp "$root/mvnw" "$wrap/" && cp "$root/build/find-jdk.sh" "$wrap/build/"
cp "$root/.mvn/wrapper/Download.java" "$wrap/.mvn/wrapper/"
printf '#!/bin/sh\necho "fake maven $* with JAVA_HOME=$JAVA_HOME"\n' >"$work/www/src/apache-maven-9.9.9/bin/mvn"
chmod +x "$work/www/src/apache-maven-9.9.9/bin/mvn"
tar -C "$work/www/src" -czf "$work/www/fake/apache-maven-9.9.9-bin.tar.gz" apache-maven-9.9.9
(cd "$work/www/fake" && sha512sum apache-maven-9.9.9-bin.tar.gz >apache-maven-9.9.9-bin.tar.gz.sha512)
cp "$work/www/fake/apache-maven-9.9.9-bin.tar.gz" "$work/www/fake/apache-maven-9.9.8-bin.tar.gz"
printf '%0128d\n' 0 >"$work/www/fake/apache-maven-9.9.8-bin.tar.gz.sha512"
"$jdk/bin/jwebserver" -b 127.0.0.1 -p 0 -d "$work/www" >"$work/www.log" 2>&1 &
www=$!
for ((i = 0; i < 200; i++)); do
  www_port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$work/www.log")
  [[ -n "$www_port" ]] && break
  sleep 0.05
done
mvnw_run() { # VERSION ARGS...: runs the copied ./mvnw against the fake distribution VERSION
  local v=$1
  shift
  echo "distributionUrl=http://127.0.0.1:$www_port/fake/apache-maven-$v-bin.tar.gz" \
    >"$wrap/.mvn/wrapper/maven-wrapper.properties"
  env -i HOME="$work" PATH="$work/tools" JAVA_HOME="$jdk" MAVEN_USER_HOME="$work/m2" "$wrap/mvnw" "$@"
}
out=$(mvnw_run 9.9.9 -v --batch-mode 2>"$work/mvnw.err")
check "./mvnw without curl or wget downloads Maven with Java and runs it ($out)" \
  test "$out" = "fake maven -v --batch-mode with JAVA_HOME=$jdk"
check "./mvnw says it downloads, once" grep -q 'downloading apache-maven-9.9.9-bin' "$work/mvnw.err"
mvnw_run 9.9.9 -v >/dev/null 2>"$work/mvnw2.err"
check "./mvnw does not download again" test ! -s "$work/mvnw2.err"
mvnw_run 9.9.8 -v >/dev/null 2>"$work/mvnw-bad.err"
code=$?
check "./mvnw refuses a download that does not match its .sha512 (exit $code: $(cat "$work/mvnw-bad.err" | tail -n 1))" \
  grep -q 'does not match its published SHA-512' "$work/mvnw-bad.err"
check "nothing of the refused download is installed" \
  test -z "$(find "$work/m2" -path '*9.9.8*' -name mvn)"
kill "$www" 2>/dev/null
wait "$www" 2>/dev/null

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
check "no Berth process is left running" test -z "$(pgrep -f -- "--data-dir $work/data" || true)"
finish
