#!/usr/bin/env bash
# Regenerates docs/ann-benchmarks.md, docs/ann-recall-qps.png and benchmarks/target/ann/*.csv in one JVM run.
# Usage: benchmarks/scripts/ann.sh [--base 60000] [--queries 1000] [--threads 2] [--only caracal-hnsw,lucene-hnsw]
# Measures the Caracal bundles installed in ~/.m2 (mvn -Pbenchmarks install first to measure the working tree).
# Needs the Debian package dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "Fashion-MNIST missing: apt-get install -y dataset-fashion-mnist" >&2; exit 1
fi
# offline by default; ANN_MVN_FLAGS= (empty) lets Maven download the dependencies the first time
mvn -q -Pbenchmarks package -f benchmarks/pom.xml ${ANN_MVN_FLAGS--o}
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec java --add-modules jdk.incubator.vector -Xmx${ANN_HEAP:-6g} -Djava.awt.headless=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" dev.caracal.benchmarks.ann.AnnBenchmark --command "benchmarks/scripts/ann.sh $*" "$@"
