#!/usr/bin/env bash
# Regenerates docs/ann-sweep.md (every index plugin, IVF/LSH/filters/two threads, JVM peers; the native-peer comparison is
# ann-interleaved.sh's docs/ann-benchmarks.md), docs/ann-recall-qps.png (Fashion-MNIST), docs/ann-recall-qps-cacm.png (CACM)
# and benchmarks/target/ann/*.csv in one JVM run.
# Usage: benchmarks/scripts/ann.sh [--data all|fashion-mnist|cacm] [--base 60000] [--queries 1000] [--threads 2]
#          [--only caracal-hnsw,lucene-hnsw] [--skip caracal-kdtree]
# Default: --data all (Fashion-MNIST, then CACM). --base/--queries apply to Fashion-MNIST; CACM uses all 3,204
# documents and 64 topics, embedded once with all-MiniLM-L6-v2 and cached in benchmarks/target/ann-cache/.
# Measures the Caracal bundles installed in ~/.m2 (mvn -Pbenchmarks install first to measure the working tree).
# Needs the Debian package dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist) and ../shared/data/cacm.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "Fashion-MNIST missing: apt-get install -y dataset-fashion-mnist" >&2; exit 1
fi
# offline by default; ANN_MVN_FLAGS= (empty) lets Maven download the dependencies the first time
mvn -q -Pbenchmarks package -f benchmarks/pom.xml ${ANN_MVN_FLAGS--o}
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
# the lsh and kdtree plugins are not dependencies of the benchmarks module: add them from ~/.m2 when installed
VERSION=$(sed -n 's|.*caracal-vector-api-\([^:]*\)\.jar.*|\1|p' benchmarks/target/classpath.txt | head -1)
for p in lsh kdtree; do
  JAR="$HOME/.m2/repository/dev/caracal/caracal-vector-index-$p/$VERSION/caracal-vector-index-$p-$VERSION.jar"
  if [ -n "$VERSION" ] && [ -f "$JAR" ]; then CP="$CP:$JAR"; fi
done
ARGS=("$@")
case " $* " in *" --data "*) ;; *) ARGS=(--data all "$@") ;; esac
# transparent huge pages, as Caracal's bin/setenv gives them (every contender here shares this JVM)
HUGE=""
case "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null)" in
  *"[madvise]"* | *"[always]"*) [ "${ANN_HUGE_PAGES:-1}" = 1 ] && HUGE=-XX:+UseTransparentHugePages ;;
esac
exec java --add-modules jdk.incubator.vector -Xmx${ANN_HEAP:-6g} $HUGE -Djava.awt.headless=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" dev.caracal.benchmarks.ann.AnnBenchmark --command "benchmarks/scripts/ann.sh $*" "${ARGS[@]}"
