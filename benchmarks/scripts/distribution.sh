#!/usr/bin/env bash
# Boot-to-ready seconds and idle RSS of the assembled distribution, over N cold starts (fresh data/ each time).
# Usage: benchmarks/scripts/distribution.sh [runs=5] [idle-seconds=30]
# Needs: mvn install (karaf-assembly/target/assembly), curl, a free port 8181.
set -euo pipefail
runs=${1:-5}
idle=${2:-30}
root="$(cd "$(dirname "$0")/../.." && pwd)"
dist="$root/karaf-assembly/target/assembly"
[ -x "$dist/bin/karaf" ] || { echo "build first: mvn -q install -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
trap 'pkill -9 -f "karaf.home=$work" 2>/dev/null || true; rm -rf "$work"' EXIT
for i in $(seq 1 "$runs"); do
    rm -rf "$work/caracal" && cp -a "$dist" "$work/caracal" && rm -rf "$work/caracal/data"
    start=$(date +%s.%N)
    "$work/caracal/bin/karaf" server > "$work/console.log" 2>&1 &
    until [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:8181/readyz)" = 200 ]; do sleep 0.1; done
    ready=$(date +%s.%N)
    sleep "$idle"
    pid=$(pgrep -f "karaf.home=$work/caracal" | head -1)
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
    printf 'run %d: boot-to-ready %.1f s, idle RSS after %d s: %d MB\n' "$i" "$(echo "$ready - $start" | bc)" "$idle" "$rss"
    kill -9 "$pid"; wait 2>/dev/null || true
done
