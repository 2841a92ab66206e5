#!/usr/bin/env bash
# Two or more gateways side by side (dev.caracal.benchmarks.gateway.GatewayAb): each NAME=DIST is a Caracal build (a
# checkout whose karaf-assembly/target/assembly is built, or an assembly directory itself); all run at once, pinned to
# the same core, in front of one upstream, and are measured in alternating short phases with the upstream directly
# as a third path in each round. Per contender and round: CPU per request (user and system), context switches per
# request, bytes allocated per request, the mean and p99 it adds; then medians and ranges over the rounds and each
# contender's ratios to the first one, computed within each round. This is the tool for a change to the gateway's
# CPU cost: the host's speed drifts by more than 20% between runs minutes apart, which alternating phases cancel.
#
# Usage: benchmarks/scripts/gateway-ab.sh [rate=2000] [seconds=10] [rounds=8] NAME=DIST [NAME=DIST ...]
#   e.g. gateway-ab.sh 2000 10 8 base=../wt/base this=.   or the same build twice with different JVM options:
#        OPTS_jul="-Dorg.eclipse.jetty.util.log.class=org.eclipse.jetty.util.log.JavaUtilLog" \
#            gateway-ab.sh 2000 10 8 main=. jul=.
# Env: OPTS_<NAME> (JVM options of that contender only, added to EXTRA_JAVA_OPTS), WARMUP (seconds of ramped warm-up
#   per path before the first round, default 60), INGRESS=anthropic, STREAM=1, PASS_THROUGH=1 (as for gateway.sh),
#   KEEP=1 (keep the work directory).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/benchmarks/scripts/lib/caracal-instance.sh"
args=()
while [ $# -gt 0 ] && [[ "$1" != *=* ]]; do args+=("$1"); shift; done
rate=${args[0]:-2000}; seconds=${args[1]:-10}; rounds=${args[2]:-8}
[ $# -ge 1 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
[ -f "$root/benchmarks/target/classpath.txt" ] || { echo "build the benchmarks first (-Pbenchmarks)" >&2; exit 1; }
work=$(mktemp -d)
trap 'pkill -9 -f "karaf.home=$work" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
last=$(( $(nproc) - 1 ))
up=$(free_port)
export CARACAL_ADMIN_KEY="ck_bench_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
base_opts=${EXTRA_JAVA_OPTS:-}
specs=()
for spec in "$@"; do
    name=${spec%%=*}; dist=${spec#*=}
    [ -x "$dist/bin/karaf" ] || dist="$dist/karaf-assembly/target/assembly"
    [ -x "$dist/bin/karaf" ] || { echo "$spec: no built distribution at $dist" >&2; exit 1; }
    opts_var="OPTS_$name"
    http=$(caracal_instance "$dist" "$work/$name" "$up")
    pid=$(EXTRA_JAVA_OPTS="$base_opts ${!opts_var:-}" caracal_start "$work/$name" "$http" "taskset -c $last")
    echo "$name: $(cd "$dist" && pwd) (pid $pid, port $http)${!opts_var:+, options ${!opts_var}}"
    specs+=("$name=http://127.0.0.1:$http@$pid")
done
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
taskset -c 0-$(( last - 1 )) java -Xmx512m -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -Dgateway.warmupSeconds=${WARMUP:-60} -Dgateway.passThrough=${PASS_THROUGH:+true} \
    -Dgateway.ingress=${INGRESS:-openai} -Dgateway.stream=${STREAM:+true} \
    -Dsun.net.httpserver.maxIdleConnections=2000 -Dsun.net.httpserver.idleInterval=3600 -Dsun.net.httpserver.nodelay=true \
    -cp "$cp" dev.caracal.benchmarks.gateway.GatewayAb "$up" "$rate" "$seconds" "$rounds" "${specs[@]}"
