#!/usr/bin/env bash
# Start-up time and idle memory of the runtime image (root): starts a hub, then two clients, in network namespaces
# (bench/network.sh), each timed from launch to its "tunnel up" line; pings client to client through the hub, lets
# everything idle for IDLE seconds (default 30) and reads each node's VmRSS, with its anonymous and file-backed
# parts, from /proc. Prints one Markdown table row. LWT_JAVA_OPTIONS reaches bin/lwt, to compare JVM options.
#   bench/rss.sh [IDLE_SECONDS]      (build first: bash scripts/build.sh)
IDLE=${1:-30}
source "$(dirname "$0")/network.sh"
for node in hub alice bob; do start_node $node; done
ip netns exec $A ping -c 3 -i 0.2 -q 10.0.0.3 > /dev/null || { echo "bench: no ping through the tunnel" >&2; exit 1; }
sleep "$IDLE"
memory() { awk '/^VmRSS/ {t = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {printf "%.1f (%.1f + %.1f)", t / 1024, a / 1024, f / 1024}' /proc/$1/status; }
echo "| ${LWT_JAVA_OPTIONS:-(bin/lwt defaults)} | $(up_seconds hub) | $(up_seconds alice) | $(memory ${NODE_PID[hub]}) | $(memory ${NODE_PID[alice]}) | $(memory ${NODE_PID[bob]}) |"
