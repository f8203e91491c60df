# shellcheck shell=bash
# The JVM flags Berth runs with, shared by ./berth and the bundle's bin/berth (sourced, never run).
# docs/jvm-flags.md explains every flag with the measurements behind it.
#
#   berth_profile ARGS...         prints the profile: --profile X / --profile=X before or after the
#                                 command, else $BERTH_PROFILE, else "small"
#   berth_command ARGS...         prints the command (first argument that is not an option)
#   berth_jvm_flags PROFILE KIND  fills the array BERTH_JVM_FLAGS; KIND is "server" (serve, proxy)
#                                 or "client" (every other command); exports MALLOC_ARENA_MAX
#   berth_run_command JAVA JAR CACHE_DIR ARGS...
#                                 fills BERTH_RUN with the command line to exec (see below)
#   berth_aot_flags JAVA JAR PROFILE CACHE_DIR
#                                 fills BERTH_AOT_FLAGS with -XX:AOTCache=... when a cache for this
#                                 exact jar, JDK and profile exists, training one first when missing.
#                                 Never fails: without a usable cache the array stays empty.

berth_profile() {
  local profile=${BERTH_PROFILE:-small}
  while (($#)); do
    case $1 in
      --profile) profile=${2:-}; (($# > 1)) && shift ;;
      --profile=*) profile=${1#--profile=} ;;
    esac
    shift || true
  done
  printf '%s' "$profile"
}

berth_command() {
  while (($#)); do
    case $1 in
      --profile) (($# > 1)) && shift ;;
      -*) ;;
      *) printf "%s" "$1"; return ;;
    esac
    shift || true
  done
}

berth_jvm_flags() {
  local profile=$1 kind=$2
  BERTH_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED)
  if [[ $kind == client ]]; then
    # Short-lived commands: start fast, never mind peak speed.
    BERTH_JVM_FLAGS+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:+UseCompactObjectHeaders)
    return 0
  fi
  # glibc keeps one malloc arena per thread by default; two are enough and cap the RSS.
  export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
  # Netty turns its sun.misc.Unsafe buffer access off on Java 25 unless this is allowed: then every
  # byte of every buffer goes through bounds- and scope-checked ByteBuffer calls, and its cleaner
  # loads the foreign-function API (about 150 classes, 2.3 MiB at idle) to free direct memory.
  BERTH_JVM_FLAGS+=(-XX:+UseSerialGC -XX:+UseCompactObjectHeaders -Xss256k -XX:MaxMetaspaceSize=64m
    -XX:TrimNativeHeapInterval=5000 --sun-misc-unsafe-memory-access=allow)
  case $profile in
    throughput)
      # A young generation of 96 MiB from the start: the proxy allocates a few KiB per request
      # (Netty's header maps), so a small young generation meant a collection every ~0.1 s under
      # load; this one is collected about once a second at 40k req/s and its pauses stay short
      # (almost nothing survives a request). Pages are only touched when used.
      BERTH_JVM_FLAGS+=(-Xms160m -Xmx256m -Xmn96m -XX:ReservedCodeCacheSize=64m) ;;
    *)
      BERTH_JVM_FLAGS+=(-Xms8m -Xmx64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1) ;;
  esac
}

# What a cache is valid for: the jar's bytes, the exact JDK build and the flags it was made with.
# (The JVM checks too and ignores a cache that does not match; this avoids even trying.) The JDK
# build is read from its release file and libjvm.so, not from `java -version`, which costs a
# JVM start.
berth_aot_key() {
  local java=$1 jar=$2 sum home runtime="" libjvm
  sum=$(sha256sum "$jar" 2>/dev/null) || return 1
  home=$(readlink -f "$java") && home=${home%/bin/java}
  [[ -r "$home/release" ]] && runtime=$(grep -m1 '^JAVA_RUNTIME_VERSION=' "$home/release")
  libjvm=$(stat -c '%s:%Y' "$home/lib/server/libjvm.so" 2>/dev/null) || return 1
  printf '%s|%s|%s|%s|%s\n' "${sum%% *}" "$home" "$runtime" "$libjvm" "${BERTH_JVM_FLAGS[*]}"
}

berth_aot_flags() {
  local java=$1 jar=$2 profile=$3 dir=$4
  local cache=$dir/berth-$profile.aot key
  BERTH_AOT_FLAGS=()
  [[ ${BERTH_AOT:-1} == 0 ]] && return 0
  key=$(berth_aot_key "$java" "$jar") || return 0
  if [[ ! -f "$cache" || "$(cat "$cache.key" 2>/dev/null)" != "$key" ]]; then
    # A training run that failed for this key is not retried at every start.
    [[ "$(cat "$cache.failed" 2>/dev/null)" == "$key" ]] && return 0
    [[ -w "$dir" ]] || return 0
    berth_aot_train "$java" "$jar" "$cache" "$key" || return 0
  fi
  BERTH_AOT_FLAGS=("-XX:AOTCache=$cache" "-Xlog:aot*=off" "-Xlog:cds*=off")
}


# Fills BERTH_RUN with the whole command line for JAVA, JAR and the user's ARGS: profile flags
# for serve/proxy (plus BERTH_JAVA_OPTS and the start-up cache kept in CACHE_DIR), quick-start
# flags for every other command. Returns 2 with one line on stderr for an unknown profile.
#   berth_run_command JAVA JAR CACHE_DIR ARGS...
berth_run_command() {
  local java=$1 jar=$2 cache_dir=$3 profile command
  shift 3
  profile=$(berth_profile "$@")
  command=$(berth_command "$@")
  # --profile is an option of serve; given before the command it moves to where serve reads it.
  local -a before=()
  while (($#)) && [[ $1 != "$command" ]]; do
    case $1 in
      --profile) export BERTH_PROFILE=$profile; (($# > 1)) && shift ;;
      --profile=*) export BERTH_PROFILE=$profile ;;
      *) before+=("$1") ;;
    esac
    shift
  done
  set -- "${before[@]}" "$@"
  BERTH_AOT_FLAGS=()
  case $command in
    serve | proxy)
      case $profile in
        small | throughput) ;;
        *) echo "berth: --profile must be small or throughput, not '$profile'" >&2; return 2 ;;
      esac
      berth_jvm_flags "$profile" server
      # shellcheck disable=SC2206 # word splitting is how several flags are given
      BERTH_JVM_FLAGS+=(${BERTH_JAVA_OPTS:-})
      berth_aot_flags "$java" "$jar" "$profile" "$cache_dir"
      ;;
    *)
      berth_jvm_flags "$profile" client
      # shellcheck disable=SC2206
      BERTH_JVM_FLAGS+=(${BERTH_JAVA_OPTS:-})
      ;;
  esac
  BERTH_RUN=("$java" "${BERTH_JVM_FLAGS[@]}" "${BERTH_AOT_FLAGS[@]}" -jar "$jar" "$@")
}

# One-step training (JEP 514): start `serve` on a throwaway data dir and free ports, ask for the
# health page a few times, stop it with SIGTERM; the JVM writes the cache as it exits.
berth_aot_train() {
  local java=$1 jar=$2 cache=$3 key=$4
  local work pid port="" i
  work=$(mktemp -d "${TMPDIR:-/tmp}/berth-aot.XXXXXX") || return 1
  echo "berth: preparing the start-up cache for this build (once, a few seconds)…" >&2
  (
    unset BERTH_DATA_DIR BERTH_CONSOLE_ADDR BERTH_HTTP_ADDR BERTH_HTTPS_ADDR BERTH_DATABASE_URL \
      BERTH_ADMIN_TOKEN BERTH_ADMIN_PASSWORD BERTH_MASTER_KEY
    exec "$java" "${BERTH_JVM_FLAGS[@]}" "-XX:AOTCacheOutput=$work/cache.aot" -jar "$jar" serve \
      --data-dir "$work/data" --console-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 \
      --https-addr 127.0.0.1:0 --runtime process
  ) >"$work/out.log" 2>&1 </dev/null &
  pid=$!
  # Stopping the launcher during training must not leave the training server behind.
  trap 'kill -KILL "$pid" 2>/dev/null; rm -rf "$work"; exit 143' TERM INT HUP
  for ((i = 0; i < 600; i++)); do
    port=$(sed -n 's|^ *Console: *http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/out.log" 2>/dev/null)
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -n "$port" ]]; then
    for ((i = 0; i < 20; i++)); do berth_http_get 127.0.0.1 "$port" /api/v1/health >/dev/null 2>&1; done
  fi
  kill -TERM "$pid" 2>/dev/null
  # The cache is assembled at exit; give it time, then give up.
  for ((i = 0; i < 1200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  trap - TERM INT HUP
  if [[ -n "$port" && -s "$work/cache.aot" ]] && mv -f "$work/cache.aot" "$cache.$$" &&
    mv -f "$cache.$$" "$cache"; then
    printf '%s\n' "$key" >"$cache.key.$$" && mv -f "$cache.key.$$" "$cache.key"
    rm -f "$cache.failed"
    rm -rf "$work"
    return 0
  fi
  echo "berth: could not prepare the start-up cache; starting without it (details: $work/out.log)" >&2
  rm -f "$cache" "$cache.key" "$cache.$$"
  printf '%s\n' "$key" >"$cache.failed" 2>/dev/null
  return 1
}

# A GET with bash's /dev/tcp: fresh machines may have neither curl nor wget.
berth_http_get() {
  local host=$1 port=$2 path=$3 fd
  exec {fd}<>"/dev/tcp/$host/$port" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&"$fd"
  cat <&"$fd"
  exec {fd}<&-
}
