#!/usr/bin/env bash
# JMH microbenchmarks of the hot path (module benchmarks), on the module path; arguments go to JMH, e.g.
#   bench/jmh.sh                                   every benchmark, JMH's defaults (about 3.6 hours)
#   bench/jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 1s       a quick pass (about 3 minutes)
#   bench/jmh.sh Codec -p codec=websocket -prof gc one class, one codec, with allocation per operation
#   bench/jmh.sh smoke                             every benchmark once, briefly, in this JVM (a few seconds)
#   bench/jmh.sh -l | -h                           list the benchmarks | JMH's options
# Build first: bash scripts/build.sh (or mvn -pl benchmarks -am install -DskipTests). JMH's forks inherit this JVM's
# options, module path included: pass JVM options to them with -jvmArgsAppend, never -jvmArgs (which replaces them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
modules=benchmarks/target/modules
if ! ls "$modules"/lwt-benchmarks-*.jar >/dev/null 2>&1; then
  echo "jmh: $modules has no benchmarks jar; build first: bash scripts/build.sh" >&2
  exit 1
fi
if [ "${1:-}" = smoke ]; then
  shift
  set -- -f 0 -wi 0 -i 1 -r 100ms -foe true "$@"
fi
# --add-opens: BufferPoolBenchmark reaches core's package-private pools by a private lookup (core exports no more)
exec java --sun-misc-unsafe-memory-access=allow \
  --add-opens io.lwt.core/io.lwt.core=io.lwt.benchmarks \
  -p "$modules" --add-modules io.lwt.benchmarks -m jmh.core/org.openjdk.jmh.Main "$@"
