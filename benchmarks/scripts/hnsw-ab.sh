#!/usr/bin/env bash
# Two or more builds of the hnsw plugin side by side in one JVM (dev.caracal.benchmarks.ann.HnswAb), to measure one
# change to its search or build: each NAME=CHECKOUT is a working tree whose vector-api, vector-math and index-hnsw
# jars are built (this script builds them with Maven unless HNSW_AB_SKIP_BUILD=1); every build indexes the same
# Fashion-MNIST vectors, then interleaved rounds time every (build, ef) pair; the first build is the reference of
# the ratios.
#
# Usage: benchmarks/scripts/hnsw-ab.sh before=../wt/base after=. [-- --rounds 7 --seconds 1 --knobs 16,32,64
#          --queries 1000 --param quantization=int8 ...]
# A checkout is typically a `git worktree add --detach ../wt/base main` beside this one.
# Environment: ANN_HEAP (default 4g), JAVA (default java), EXTRA_JAVA_OPTS, ANN_HUGE_PAGES=0 (no huge pages).
set -euo pipefail
cd "$(dirname "$0")/../.."
variants=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  name=${1%%=*}
  tree=$(cd "${1#*=}" && pwd)
  if [ "${HNSW_AB_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$tree" && mvn -o -q package -DskipTests -Dspotless.check.skip=true -pl bundles/vector/index-hnsw -am)
  fi
  jars=""
  for m in api math index-hnsw; do
    jar=$(ls "$tree"/bundles/vector/$m/target/caracal-vector-$m-*.jar | grep -v sources | head -1)
    jars="$jars${jars:+:}$jar"
  done
  variants+=(--variant "$name=$jars")
  shift
done
[ "${1:-}" = -- ] && shift
if [ ! -f benchmarks/target/classpath.txt ] || [ "${HNSW_AB_SKIP_BUILD:-0}" != 1 ]; then
  mvn -o -q -Pbenchmarks package -DskipTests -Dspotless.check.skip=true -pl benchmarks -am
fi
SLF4J=$(tr ':' '\n' < benchmarks/target/classpath.txt | grep -E 'slf4j-(api|simple)' | paste -sd:)
# each variant's loader sees the harness classes, its own jars and slf4j (found through the harness jar's loader)
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
for ((i = 1; i < ${#variants[@]}; i += 2)); do variants[i]="${variants[i]}:$SLF4J"; done
# transparent huge pages as Caracal's bin/setenv gives them (ANN_HUGE_PAGES=0: none)
HUGE=""
case "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null)" in
  *"[madvise]"* | *"[always]"*) [ "${ANN_HUGE_PAGES:-1}" = 1 ] && HUGE=-XX:+UseTransparentHugePages ;;
esac
exec "${JAVA:-java}" -Xmx"${ANN_HEAP:-4g}" --add-modules jdk.incubator.vector $HUGE ${EXTRA_JAVA_OPTS:-} -cp "$CP" \
  dev.caracal.benchmarks.ann.HnswAb "${variants[@]}" "$@"
