#!/usr/bin/env bash
# Latency the LLM gateway adds (mean and p50/p90/p99 from HdrHistogram at a fixed open-loop rate, direct vs through
# nginx vs through Caracal, same upstream, same run), the bytes and CPU Caracal spends per request, and optionally its
# RSS after a soak. Each phase's line is printed as soon as it ends; it also says how busy the load generator's own JVM
# (with the in-JVM upstream) was, so a saturated load generator shows.
# Usage: benchmarks/scripts/gateway.sh [rate=1000] [seconds=60] [soak-minutes=0]
#   rate may be a comma list (a sweep: 1000,2000,3000,4000,5000): every path at each rate in turn, then a summary table
#   (per rate and path: achieved rate, failures, mean/p50/p99, added mean/p99, the server's CPU per request and cores
#   busy, the load generator's cores busy) and where each path saturates. The soak runs at the first rate.
# Env: PIN=1 gives Caracal the last core to itself and the load generator plus upstream the others (the published peer
# figures have the load generator on other hardware); WARMUP=seconds per path (default 60, ramped; at a sweep's later
# rates SWEEP_WARMUP, default 10, unramped: the JVMs are warm); LOAD_JAVA_OPTS and EXTRA_JAVA_OPTS (Caracal's JVM) for
# diagnostics, e.g. -Dgateway.dump=/tmp/lat or -Xlog:gc (LOAD_JAVA_OPTS also takes -Dgateway.maxInFlight=N, default
# 20,000 or what the descriptor limit allows: a request due with that many in flight fails as "client: in-flight cap";
# and -Dgateway.drainSeconds=N, default 60: the longest wait for a phase's last answers, after which they fail);
# DIST=another build's karaf-assembly/target/assembly (a worktree of an older commit) to measure it with this harness,
# for an A/B; PASS_THROUGH=1 adds members the gateway does not model to the request and the upstream's answer (both
# directions of same-format pass-through on the measured path); INGRESS=anthropic speaks Anthropic's Messages API on
# every path (POST /v1/messages with x-api-key and anthropic-version; Caracal's Anthropic ingress and provider, feature
# caracal-llm-anthropic, model bench-claude), INGRESS=models asks GET /v1/models, which Caracal answers from its own
# configuration (no upstream exchange: the floor of a call, Karaf's Jetty in and out and authentication, against a
# whole proxy hop on the other paths), default openai (POST /v1/chat/completions); STREAM=1 streams every answer
# (Server-Sent Events in the format asked; nginx then with proxy_buffering off) and reports the time to first token
# beside the end of the stream, and what nginx and the gateway add to each; TOKEN_DELAY_US=N makes the upstream pause
# N us between two streamed tokens (the first token then comes well before the end, unless a proxy buffers the
# stream); NGINX=0 skips the nginx peer; JFR=file.jfr records Caracal's JVM (JFR's profile settings, with
# -XX:+DebugNonSafepoints so samples name the exact frame) from boot and dumps the recording there when the load ends
# (read it with benchmarks/scripts/jfr-stages.py; recording costs CPU, so read proportions, not times); KEEP=1 keeps the work directory (Caracal's log: caracal/data/log/karaf.log).
# Any mode other than the plain one first checks one answer from every path (shape check) and prints the gateway's.
# Needs: mvn -q -Pbenchmarks package -DskipTests (the distribution and benchmarks/target/classes), curl.
set -euo pipefail
rate=${1:-1000}
seconds=${2:-60}
soak=${3:-0}
root="$(cd "$(dirname "$0")/../.." && pwd)"
dist="${DIST:-$root/karaf-assembly/target/assembly}"
[ -x "$dist/bin/karaf" ] || { echo "build first: mvn -q -Pbenchmarks package -DskipTests" >&2; exit 1; }
[ -f "$root/benchmarks/target/classpath.txt" ] || { echo "build the benchmarks first (-Pbenchmarks)" >&2; exit 1; }
work=$(mktemp -d)
trap 'pkill -9 -f "karaf.home=$work" 2>/dev/null || true; [ -f "$work/nginx/nginx.pid" ] \
    && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
. "$root/benchmarks/scripts/lib/caracal-instance.sh"
up=$(free_port)
http=$(caracal_instance "$dist" "$work/caracal" "$up")
pin_caracal=""; pin_load=""
if [ -n "${PIN:-}" ]; then
    # PIN=1: Caracal on the last core, load generator and upstream on the others (needs 2+ cores)
    last=$(( $(nproc) - 1 ))
    pin_caracal="taskset -c $last"; pin_load="taskset -c 0-$(( last - 1 ))"
fi
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
peer_opts=()
if [ "${NGINX:-1}" != 0 ] && command -v nginx >/dev/null; then
    ngx=$(free_port); mkdir -p "$work/nginx"
    # streams: nginx passes each event on as it comes (buffered, it may hold them back). Not for the answers not
    # streamed: with buffering off nginx spent more CPU per request on them (94-123 us buffered, 124-138 us not, at
    # 1,000 req/s in two short A/B runs), so the plain run keeps the configuration its earlier figures had
    buffering=""
    [ -n "${STREAM:-}" ] && buffering="proxy_buffering off;"
    cat > "$work/nginx/nginx.conf" <<NGX
worker_processes 1;
daemon on;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream upstream { server 127.0.0.1:$up; keepalive 256; }
  server {
    listen 127.0.0.1:$ngx;
    keepalive_requests 1000000;
    location / { proxy_pass http://upstream; proxy_http_version 1.1; proxy_set_header Connection ""; $buffering }
  }
}
NGX
    $pin_caracal nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
    until [ -s "$work/nginx/nginx.pid" ] && pgrep -P "$(cat "$work/nginx/nginx.pid")" >/dev/null; do sleep 0.1; done
    peer_opts=(-Dgateway.peer="http://127.0.0.1:$ngx" -Dgateway.peerName="nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
        -Dgateway.peerPid="$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | head -1)")
fi
# Caracal's first admin key, which the load generator sends with every call (authentication and its checks are on)
export CARACAL_ADMIN_KEY="ck_bench_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
if [ -n "${JFR:-}" ]; then
    export EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=settings=profile,name=gateway"
fi
pid=$(caracal_start "$work/caracal" "$http" "$pin_caracal")
echo "Caracal ready (pid $pid); upstream on $up"
# the upstream (the JDK's HTTP server) keeps idle connections for an hour: by default it closes them after 30 s, and a
# proxy's request racing that close is reset (nginx answers 502, it does not retry a POST). The JDK's common pool gets two
# threads whatever the cores: with one (PIN=1 leaves this JVM one core) CompletableFuture runs every dependent task on
# a new thread, and this JVM then could not send 2,000 req/s from one core (direct mean 5 s); with two it used 0.7 cores
$pin_load java -Xmx512m -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dgateway.warmupSeconds=${WARMUP:-60} -Dgateway.sweepWarmupSeconds=${SWEEP_WARMUP:-10} \
    -Dgateway.passThrough=${PASS_THROUGH:+true} -Dgateway.ingress=${INGRESS:-openai} -Dgateway.stream=${STREAM:+true} \
    -Dgateway.tokenDelayMicros=${TOKEN_DELAY_US:-0} "${peer_opts[@]}" ${LOAD_JAVA_OPTS:-} \
    -Dsun.net.httpserver.maxIdleConnections=2000 -Dsun.net.httpserver.idleInterval=3600 -Dsun.net.httpserver.nodelay=true -cp "$cp" dev.caracal.benchmarks.gateway.GatewayOverhead run "$up" "http://127.0.0.1:$http" \
    "$rate" "$seconds" "$soak" "$pid"
if [ -n "${JFR:-}" ]; then
    jcmd "$pid" JFR.dump name=gateway filename="$(realpath -m "$JFR")" >/dev/null && echo "JFR recording: $JFR"
fi
