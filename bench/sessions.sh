#!/usr/bin/env bash
# Memory of a hub by number of sessions (root): a hub in its namespace and up to 100 clients (each its own bin/lwt
# process and TUN device) in one client namespace, joined by veth (bench/network.sh). The hub's VmRSS (anonymous +
# file-backed) is read after its first client, its tenth and its hundredth have joined, each after IDLE seconds
# (default 10) and one ping through every tunnel to the hub. Prints a Markdown table. Bounded: at most 100 clients,
# started in waves; everything is removed on exit, also on failure.
#   bench/sessions.sh [IDLE_SECONDS]      (build first: bash scripts/build.sh)
IDLE=${1:-10}
source "$(dirname "$0")/network.sh"
COUNTS=(1 10 100)
{
  echo "defaults: {mtu: 1400}"
  echo "nodes:"
  echo "  hub: {role: hub, listen: \"0.0.0.0:9000\", address: 10.0.0.1/16, max-clients: 128, connection-rate: 1000, insecure: true}"
  for i in $(seq 100); do
    "$LWT" keygen > "$DIR/c$i.key"
    echo "  c$i: {role: client, connect: \"10.99.1.1:9000\", key: file:c$i.key, address: 10.0.$((i / 200)).$((i % 200 + 2)), device: lwt$i}"
  done
} > "$DIR/lwt.yaml"
start_node hub
memory() { awk '/^VmRSS/ {t = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {printf "%.1f (%.1f + %.1f)", t / 1024, a / 1024, f / 1024}' /proc/$1/status; }
threads() { awk '/^Threads/ {print $2}' /proc/$1/status; }
echo
echo "Hub memory by sessions $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), idle ${IDLE} s after the last join"
echo
echo "| sessions | hub RSS MB (anonymous + file) | hub threads |"
echo "|---|---|---|"
echo "| 0 | $(memory ${NODE_PID[hub]}) | $(threads ${NODE_PID[hub]}) |"
started=0
for count in "${COUNTS[@]}"; do
  while [ $started -lt $count ]; do
    started=$((started + 1))
    ip netns exec $A "$LWT" run "$DIR/lwt.yaml" --node c$started > "$DIR/c$started.log" 2>&1 &
    PIDS+=($!)
    [ $((started % 10)) = 0 ] && sleep 2  # waves: two cores start ten JVMs at a time
  done
  for _ in $(seq 1200); do
    [ "$(grep -ls "tunnel up" "$DIR"/c*.log | wc -l)" -ge $count ] && break; sleep 0.1
  done
  [ "$(grep -ls "tunnel up" "$DIR"/c*.log | wc -l)" -ge $count ] || { echo "bench: only $(grep -ls "tunnel up" "$DIR"/c*.log | wc -l) of $count clients came up" >&2; exit 1; }
  for i in $(seq $count); do  # traffic through every session, so each has touched its buffers
    ip netns exec $A ping -c 1 -W 2 -I lwt$i -q 10.0.0.1 > /dev/null || { echo "bench: no ping through c$i" >&2; exit 1; }
  done
  sleep "$IDLE"
  echo "| $count | $(memory ${NODE_PID[hub]}) | $(threads ${NODE_PID[hub]}) |"
done
