# Sourced by the benchmarks: a hub and two clients (alice, bob) in network namespaces joined by veth, as in
# `lwt demo`, running the image's bin/lwt (or $LWT). Everything it creates is removed on exit, also on failure.
# Provides: LWT, DIR, HUB/A/B (namespace names), NODE_PID[node], START_NS[node] (launch time), start_node NODE,
# up_seconds NODE (launch to its "tunnel up" line), start_nodes/stop_nodes (all three, rewriting the topology),
# stop PID and forget PID (one this script started).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LWT=${LWT:-$(pwd)/packaging/target/maven-jlink/default/bin/lwt}
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, TUN devices)" >&2; exit 1; }
[ -x "$LWT" ] || { echo "bench: no runtime image at $LWT: run bash scripts/build.sh" >&2; exit 1; }
for tool in ip ping; do command -v $tool >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }; done

P=lwtbench-$$
HUB=$P-hub; A=$P-alice; B=$P-bob
DIR=$(mktemp -d)
PIDS=()
declare -A NODE_PID START_NS
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in $HUB $A $B; do ip netns del $ns 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

for ns in $HUB $A $B; do ip netns add $ns; ip -n $ns link set lo up; done
ip link add veth-a netns $HUB type veth peer name veth0 netns $A
ip link add veth-b netns $HUB type veth peer name veth0 netns $B
ip -n $HUB addr add 10.99.1.1/24 dev veth-a; ip -n $HUB link set veth-a up
ip -n $HUB addr add 10.99.2.1/24 dev veth-b; ip -n $HUB link set veth-b up
ip -n $A addr add 10.99.1.2/24 dev veth0; ip -n $A link set veth0 up; ip -n $A route add 10.99.2.0/24 via 10.99.1.1
ip -n $B addr add 10.99.2.2/24 dev veth0; ip -n $B link set veth0 up; ip -n $B route add 10.99.1.0/24 via 10.99.2.1
ip netns exec $HUB sysctl -q -w net.ipv4.ip_forward=1

"$LWT" keygen > "$DIR/alice.key"; "$LWT" keygen > "$DIR/bob.key"
cat > "$DIR/lwt.yaml" <<YAML
defaults: {mtu: 1400}
nodes:
  hub: {role: hub, listen: "0.0.0.0:9000", address: 10.0.0.1/24}
  alice: {role: client, connect: "10.99.1.1:9000", key: file:alice.key, address: 10.0.0.2}
  bob: {role: client, connect: "10.99.2.1:9000", key: file:bob.key, address: 10.0.0.3}
YAML

# Starts a node in its namespace and waits (up to 30 s) for its "tunnel up" line.
start_node() {
  local node=$1
  START_NS[$node]=$(date +%s%N)
  ip netns exec $P-$node "$LWT" run "$DIR/lwt.yaml" --node $node > "$DIR/$node.log" 2>&1 &
  NODE_PID[$node]=$!; PIDS+=($!)
  for _ in $(seq 600); do grep -qs "tunnel up" "$DIR/$node.log" && return; sleep 0.05; done
  { echo "bench: $node did not come up:"; cat "$DIR/$node.log"; exit 1; } >&2
}

# start_nodes [CODEC [PORT [HUB_TRANSPORT CLIENT_TRANSPORT]]]: rewrites the topology with that codec and those
# transports (YAML flow values), clients dialing PORT on the hub, and the TUN settings in $TUN if set, and starts
# the three nodes
start_nodes() {
  local codec=${1:-length-prefix} port=${2:-9000} hub_transport=${3:-tcp} client_transport=${4:-tcp}
  cat > "$DIR/lwt.yaml" <<YAML
defaults: {mtu: 1400, codec: $codec${TUN:+, tun: $TUN}}
nodes:
  hub: {role: hub, listen: "0.0.0.0:9000", address: 10.0.0.1/24, transport: $hub_transport, insecure: true}
  alice: {role: client, connect: "10.99.1.1:$port", key: file:alice.key, address: 10.0.0.2, transport: $client_transport}
  bob: {role: client, connect: "10.99.2.1:$port", key: file:bob.key, address: 10.0.0.3, transport: $client_transport}
YAML
  for node in hub alice bob; do start_node $node; done
}
# stop PID: ends a process this script started and forgets it, so the exit trap never signals a reused PID
stop() { kill "$1"; forget "$1"; }
# forget PID: waits for a process this script started to end and takes it off the exit trap's list
forget() {
  wait "$1" 2>/dev/null || true
  local keep=() pid
  for pid in "${PIDS[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done
  PIDS=("${keep[@]}")
}
stop_nodes() { for node in hub alice bob; do stop "${NODE_PID[$node]}"; done; }

# Seconds from a node's launch to the time stamp of its "tunnel up" line (UTC, milliseconds).
up_seconds() {
  local stamp; stamp=$(grep -m1 "tunnel up" "$DIR/$1.log" | cut -d' ' -f1)
  awk "BEGIN {printf \"%.2f\", ($(date -d "$stamp" +%s%N) - ${START_NS[$1]}) / 1e9}"
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$1/status; }
# cpu_ticks PID: user + system CPU time of a process, in ticks of TICK a second
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
TICK=$(getconf CLK_TCK)
