#!/usr/bin/env bash
# What one upstream exchange costs, per HTTP client (the JDK's and Jetty's), on one core: CPU and bytes allocated per
# exchange and latency, in rounds (see UpstreamClients). The upstream runs in its own JVM on the other cores.
# Usage: benchmarks/scripts/upstream-clients.sh [rate=2000] [seconds=15] [rounds=3]
# Needs: mvn -q -Pbenchmarks package -DskipTests (benchmarks/target/classes and its classpath), 2+ cores.
set -euo pipefail
rate=${1:-2000}
seconds=${2:-15}
rounds=${3:-3}
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$root/benchmarks/target/classpath.txt" ] || { echo "build the benchmarks first (-Pbenchmarks)" >&2; exit 1; }
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
last=$(( $(nproc) - 1 ))
taskset -c 0-$(( last - 1 )) java -Xmx512m -Dsun.net.httpserver.maxIdleConnections=2000 -Dsun.net.httpserver.idleInterval=3600 -Dsun.net.httpserver.nodelay=true \
    -cp "$cp" dev.caracal.benchmarks.gateway.GatewayOverhead upstream "$port" &
upstream=$!
trap 'kill $upstream 2>/dev/null || true' EXIT
until curl -s -o /dev/null "localhost:$port/v1/models"; do sleep 0.2; done
# the same JVM settings bin/setenv gives Caracal on a 2-core machine
taskset -c "$last" java -Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ${EXTRA_JAVA_OPTS:-} \
    -cp "$cp" dev.caracal.benchmarks.gateway.UpstreamClients "$port" "$rate" "$seconds" "$rounds"
