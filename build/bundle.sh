#!/usr/bin/env bash
# Builds the self-contained bundle that needs no JDK on the host:
#
#   TARGET_DIR/berth-VERSION-linux-ARCH.tar.gz
#     berth-VERSION/runtime/     a jlink'd Java runtime with only the modules Berth uses
#     berth-VERSION/lib/         berth.jar and jvm-flags.sh (the same flags as ./berth)
#     berth-VERSION/bin/berth    the launcher
#
# Usage: build/bundle.sh VERSION TARGET_DIR   (Maven's package phase runs it unless
# -Dbundle.skip=true; TARGET_DIR must already hold berth.jar).
set -euo pipefail

version=${1:?usage: build/bundle.sh VERSION TARGET_DIR}
target=$(cd "${2:?usage: build/bundle.sh VERSION TARGET_DIR}" && pwd)
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
jar=$target/berth.jar
[[ -f "$jar" ]] || { echo "bundle: $jar is missing; run package first" >&2; exit 1; }

# shellcheck source=build/find-jdk.sh
source "$root/build/find-jdk.sh"
berth_find_jdk bundle || exit 2
jdk_bin=$BERTH_JAVA_HOME/bin

case $(uname -m) in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) arch=$(uname -m) ;;
esac
name=berth-$version
stage=$target/bundle
archive=$target/$name-linux-$arch.tar.gz

# The modules the jar's code refers to. java.desktop is dropped: only the PostgreSQL driver's
# geometric types (PGpoint → java.awt.Point) use it, Berth never reads those, and it is 12 MB.
modules=$("$jdk_bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release "${BERTH_MIN_JAVA}" "$jar")
modules=$(tr ',' '\n' <<<"$modules" | grep -vx 'java.desktop' | paste -sd, -)
# jdk.crypto.ec and jdk.zipfs are not added: elliptic curves live in java.base since JDK 22 and
# Berth opens no zip file systems.
echo "bundle: runtime modules $modules"

rm -rf "$stage" "$archive"
mkdir -p "$stage/$name/lib" "$stage/$name/bin"
# --strip-debug also strips the native libraries' symbols, which needs objcopy (binutils); without
# it, strip only the Java debug attributes rather than fail the build on a bare machine.
strip=(--strip-debug)
command -v objcopy >/dev/null 2>&1 || strip=(--strip-java-debug-attributes)
"$jdk_bin/jlink" --add-modules "$modules" --output "$stage/$name/runtime" \
  "${strip[@]}" --no-header-files --no-man-pages --compress zip-6
# The JDK's class-data sharing archive is worth 100-150 ms of every start. jlink's
# --generate-cds-archive makes the two archives for ordinary object headers (28 MB), but Berth
# always runs with -XX:+UseCompactObjectHeaders, which reads classes_coh.jsa: dump just that one.
"$stage/$name/runtime/bin/java" -XX:+UseCompactObjectHeaders -Xshare:dump -Xlog:cds=error

cp "$jar" "$stage/$name/lib/berth.jar"
cp "$root/build/jvm-flags.sh" "$stage/$name/lib/jvm-flags.sh"
cat >"$stage/$name/bin/berth" <<'LAUNCHER'
#!/usr/bin/env bash
# Berth, run with the Java runtime bundled next to it. Same flags and profiles as ./berth in the
# source tree: --profile small|throughput (or BERTH_PROFILE), BERTH_JAVA_OPTS, BERTH_AOT=0.
set -euo pipefail
home=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=/dev/null
source "$home/lib/jvm-flags.sh"
# The start-up cache lives next to the jar when that folder is writable, else it is skipped.
berth_run_command "$home/runtime/bin/java" "$home/lib/berth.jar" "$home/lib" "$@" || exit 2
exec "${BERTH_RUN[@]}"
LAUNCHER
chmod 755 "$stage/$name/bin/berth"

tar -C "$stage" -czf "$archive.part" "$name"
mv "$archive.part" "$archive"
rm -rf "$stage"
echo "bundle: $archive ($(du -h "$archive" | cut -f1))"
