# shellcheck shell=bash
# Finds a JDK 25 or newer for ./berth and ./mvnw (sourced by both, never run on its own).
#
#   berth_find_jdk NAME   sets BERTH_JAVA_HOME and BERTH_JAVA, or prints one line that names
#                         what to install (prefixed with NAME) and returns 2.
#
# Search order: $JAVA_HOME, then the folders package managers and SDKMAN install into, then `java`
# on PATH. Among the folders the newest JDK wins, so an old default JDK never shadows a new one.
# BERTH_JDK_DIRS (colon-separated globs) replaces the folder list; the launcher tests use it.

BERTH_MIN_JAVA=25

# The feature version of the JDK in $1 ("25" for 25.0.3, "8" for 1.8.0_402), or nothing.
berth_java_major() {
  local home=$1 version=""
  if [[ -r "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [[ -z "$version" && -x "$home/bin/java" ]]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}
  version=${version%%[!0-9]*}
  printf '%s' "$version"
}

berth_find_jdk() {
  local name=$1 home major best_home="" best_major=0 seen_home="" seen_major=0
  local -a candidates=()
  local dirs=${BERTH_JDK_DIRS-/usr/lib/jvm/*:/opt/java/*:/usr/local/lib/jvm/*:/usr/local/lib/jvm:$HOME/.sdkman/candidates/java/*}

  # An explicit JAVA_HOME that is new enough always wins.
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major=$(berth_java_major "$JAVA_HOME")
    if [[ -x "$JAVA_HOME/bin/java" && -n "$major" ]] && ((major >= BERTH_MIN_JAVA)); then
      BERTH_JAVA_HOME=$JAVA_HOME
      BERTH_JAVA=$JAVA_HOME/bin/java
      return 0
    fi
    [[ -n "$major" ]] && seen_home=$JAVA_HOME seen_major=$major
  fi

  local IFS=:
  local pattern
  for pattern in $dirs; do
    # Unquoted on purpose: each entry is a glob.
    # shellcheck disable=SC2206
    candidates+=($pattern)
  done
  unset IFS
  if command -v java >/dev/null 2>&1; then
    home=$(readlink -f "$(command -v java)")
    candidates+=("${home%/bin/java}")
  fi

  for home in "${candidates[@]}"; do
    [[ -x "$home/bin/java" ]] || continue
    major=$(berth_java_major "$home")
    [[ -n "$major" ]] || continue
    if ((major >= BERTH_MIN_JAVA && major > best_major)); then
      best_home=$home best_major=$major
    elif ((major > seen_major)); then
      seen_home=$home seen_major=$major
    fi
  done

  if [[ -n "$best_home" ]]; then
    BERTH_JAVA_HOME=$best_home
    BERTH_JAVA=$best_home/bin/java
    return 0
  fi
  local found="found none"
  if [[ -n "$seen_home" ]]; then
    found="found $seen_major at $seen_home"
  fi
  echo "$name: needs JDK $BERTH_MIN_JAVA or newer ($found); install it, e.g. apt-get install temurin-$BERTH_MIN_JAVA-jdk, or set JAVA_HOME" >&2
  return 2
}
