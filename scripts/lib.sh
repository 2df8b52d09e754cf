# Shared by the scripts: find a JDK >= 25 and make sure the machine has what jlxcfs needs.
# shellcheck shell=bash

JLXCFS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

java_major() { # prints the major version of the java at $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}'
}

find_jdk() { # exports JAVA_HOME pointing at a JDK >= 25, or fails with a clear message
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c/bin/java")
    if [ "${v:-0}" -ge 25 ] 2>/dev/null; then export JAVA_HOME="$c"; export PATH="$c/bin:$PATH"; return 0; fi
  done
  echo "jlxcfs: no JDK >= 25 found (looked at JAVA_HOME and /usr/lib/jvm/*); install one, e.g. temurin-25-jdk" >&2
  return 1
}

# Debian packages: needed to run (fuse3) and to build/test (the rest).
RUN_PACKAGES="fuse3"
TEST_PACKAGES="fuse3 libfuse3-dev gcc maven lxcfs procps sysstat util-linux python3-psutil runc busybox-static nodejs systemd jq"

ensure_packages() { # ensure_packages PKG... : installs what is missing (root + apt) or fails saying what to install
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "jlxcfs: installing ${missing[*]}" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || {
        echo "jlxcfs: could not install ${missing[*]}" >&2; return 1; }
    fi
  else
    echo "jlxcfs: missing packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    return 1
  fi
}

jlxcfs_jar() { echo "$JLXCFS_TOP/src/target/jlxcfs.jar"; }

# JVM flags that keep the daemon small and its upcalls quiet.
# Heap: the live set is ~7 KiB per container being read (views, kept descriptors, callers), so
# 24 MiB covers a couple of thousand containers; big hosts get 1 MiB more per CPU over 8, and
# JLXCFS_HEAP_MB overrides (10,000 busy containers want ~96).
# JIT, the daemon: C2 only (-TieredCompilation). Tiered adds C1's profiled code and compiler memory for no
# gain in a long-running daemon; measured with 1000 cgroups read every second (docs/jmh.md):
# steady RSS median 83 MiB, max 93, vs 88/100-108 tiered. A small young generation and a native
# heap trimmed every second keep the rest flat.
_jlxcfs_cpus=$(nproc 2>/dev/null || echo 2)
JLXCFS_HEAP_MB=${JLXCFS_HEAP_MB:-$(( _jlxcfs_cpus <= 8 ? 24 : 24 + _jlxcfs_cpus - 8 ))}
[ "$JLXCFS_HEAP_MB" -gt 1024 ] && JLXCFS_HEAP_MB=1024
JLXCFS_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms8m "-Xmx${JLXCFS_HEAP_MB}m"
  -XX:MaxNewSize=4m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TrimNativeHeapInterval=1000 -Xss512k
  -XX:MaxMetaspaceSize=48m -XX:ReservedCodeCacheSize=16m -XX:+UseCompactObjectHeaders -XX:-UsePerfData)
# The daemon only (one compiler thread bounds the JIT's transient memory on big hosts too: the
# ergonomic count grows with the CPUs, each C2 compile takes 10-30 MiB for its duration).
# C2 compiles a method after 2,000 calls instead of C2-only's default 10,000: a miss path runs
# once per container per freshness window, so on a host with a few dozen sampled containers it
# stayed in the interpreter for many minutes, at 2-3x its compiled cost. 300 compiles it within
# seconds but adds ~3 MiB of code and profiles and larger compile spikes with 1000 containers;
# 2,000 adds ~1 MiB (README "Paced readers"). Small hosts add -XX:CompileThreshold=300 to
# JLXCFS_JAVA_OPTS (later flags win; the unit's -XX:+ExitOnOutOfMemoryError should stay).
# To go back to tiered, set JLXCFS_JAVA_OPTS="-XX:+TieredCompilation -XX:CICompilerCount=2"
# (tiered needs two threads).
# Short-lived subcommands (stats, oci-hook, bench's own reader) keep tiered for C1's quick start.
# Smaller compiles: C2 inlined every view into one dispatch method (27 MiB of compiler arena for
# that one compile, the RSS peak) and the cache's once-a-second prunes into maintain() (22 MiB,
# recompiled in steady state). Compiled apart, the peak with 1000 containers fell from 102-105 to
# 89-94 MiB and the steady max from 100-102 to 88 (scripts/steady, README "Memory").
JLXCFS_DAEMON_FLAGS=(-XX:-TieredCompilation -XX:CICompilerCount=1 -XX:CompileThreshold=2000
  -XX:CompileCommand=quiet "-XX:CompileCommand=dontinline,io.jlxcfs.view.Views::*"
  "-XX:CompileCommand=dontinline,io.jlxcfs.cache.*::prune"
  "-XX:CompileCommand=dontinline,io.jlxcfs.cache.OpenFiles::readKept"
  "-XX:CompileCommand=dontinline,io.jlxcfs.cache.OpenFiles::kind")
# glibc's per-thread malloc arenas would otherwise grow with every worker thread
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# HotSpot suspends threads (JFR's sampler) with SIGUSR2 unless told otherwise; SIGUSR2 is the
# daemon's passthrough toggle (as in lxcfs), so profiling would flip it hundreds of times a second.
# SIGRTMIN+6 is free.
export _JAVA_SR_SIGNUM=${_JAVA_SR_SIGNUM:-40}

# JLXCFS_CDS=1: a class-data-sharing archive made on first use cuts the JVM's start (a restart's
# stall) from ~1.3 s to ~0.75 s here, for ~15 MiB more (file-backed) RSS.
# Only for the daemon: a subcommand's stdout (stats, mounts) must not get the JVM's archive messages.
JLXCFS_SUBCOMMANDS=" bench run mounts oci-hook webhook remount supervise stats help "
jlxcfs_cds_flags() { # jlxcfs_cds_flags DIR FIRST_ARG : prints the flags for an archive kept in DIR, if writable
  local dir=$1
  [ "${JLXCFS_CDS:-0}" = 1 ] || return 0
  case "$JLXCFS_SUBCOMMANDS" in *" ${2:-} "*) return 0 ;; esac
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] && printf '%s\n' "-XX:SharedArchiveFile=$dir/jlxcfs.jsa" "-XX:+AutoCreateSharedArchive" "-Xlog:cds*=off" "-Xlog:aot*=off"
}

build_if_needed() {
  if [ ! -f "$(jlxcfs_jar)" ]; then
    echo "jlxcfs: building (first run)" >&2
    (cd "$JLXCFS_TOP" && mvn -q -B -DskipTests package) >&2 || { echo "jlxcfs: build failed" >&2; return 1; }
  fi
}
