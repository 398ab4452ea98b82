#!/usr/bin/env bash
# The hub cluster, measured in one run: two hubs (hub-a, hub-b) and four clients (alice, bob, carol, dave), each in a
# namespace on one bridge (10.97.0.0/24), an etcd member in a namespace of its own. It prints:
# - aggregate client-to-client throughput of two iperf3 streams at once (alice -> bob, carol -> dave), with the four
#   clients on one hub, spread over two hubs with each pair on one hub, and spread with each pair across the hubs
#   (every packet crossing the link between them);
# - ping RTT (median of 100) of a same-hub path and of a cross-hub path;
# - failover: alice, who lists both hubs, pings bob (on the other hub) every 20 ms; her hub is killed (SIGKILL); the
#   time to her first answered ping, three times;
# - the idle RSS of a hub with the cluster plugin and without a cluster.
# Bounded (about three minutes); everything it starts and creates is removed on exit, also on failure.
#   bench/cluster.sh [SECONDS]   (root; build first: bash scripts/build.sh; needs etcd: Debian's etcd-server)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
LWT=${LWT:-$(pwd)/packaging/target/maven-jlink/default/bin/lwt}
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, TUN devices)" >&2; exit 1; }
[ -x "$LWT" ] || { echo "bench: no runtime image at $LWT: run bash scripts/build.sh" >&2; exit 1; }
for tool in ip ping iperf3 etcd; do command -v $tool >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }; done

P=lwtclu-$$
NODES=(etcd hub-a hub-b alice bob carol dave)
declare -A ADDRESS=([etcd]=10.97.0.5 [hub-a]=10.97.0.11 [hub-b]=10.97.0.12 [alice]=10.97.0.101 [bob]=10.97.0.102
  [carol]=10.97.0.103 [dave]=10.97.0.104)
DIR=$(mktemp -d)
PIDS=()
declare -A PID
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for node in "${NODES[@]}" sw; do ip netns del $P-$node 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

ip netns add $P-sw; ip -n $P-sw link set lo up
ip -n $P-sw link add br0 type bridge; ip -n $P-sw link set br0 up
i=0
for node in "${NODES[@]}"; do
  i=$((i + 1))
  ip netns add $P-$node; ip -n $P-$node link set lo up
  ip link add p$i netns $P-sw type veth peer name eth0 netns $P-$node
  ip -n $P-sw link set p$i master br0 up
  ip -n $P-$node addr add ${ADDRESS[$node]}/24 dev eth0; ip -n $P-$node link set eth0 up
done

ip netns exec $P-etcd etcd --name m1 --data-dir "$DIR/etcd" --listen-client-urls http://10.97.0.5:2379 \
  --advertise-client-urls http://10.97.0.5:2379 --listen-peer-urls http://10.97.0.5:2380 \
  --initial-advertise-peer-urls http://10.97.0.5:2380 --initial-cluster m1=http://10.97.0.5:2380 \
  > "$DIR/etcd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do ip netns exec $P-etcd curl -sf http://10.97.0.5:2379/health 2>/dev/null | grep -q true && break; sleep 0.05; done

"$LWT" keygen --hub -o "$DIR/hub.key" > /dev/null
HUB_KEY=$("$LWT" keygen --public "$DIR/hub.key")
for c in alice bob carol dave; do "$LWT" keygen -o "$DIR/$c.key" > /dev/null; done

# topology CLUSTER HUB_OF_ALICE HUB_OF_BOB HUB_OF_CAROL HUB_OF_DAVE: writes lwt.yaml; CLUSTER true or false
topology() {
  local cluster=$1; shift
  local hubs=(hub-a hub-b) j=0
  { echo "defaults: {mtu: 1400}"; echo "nodes:"
    for hub in "${hubs[@]}"; do
      echo "  $hub: {role: hub, listen: \"${ADDRESS[$hub]}:9000\", address: 10.0.0.1/24, pool: 10.0.0.200-10.0.0.250,"
      echo "    static-key: file:hub.key, state: $hub.state$([ "$cluster" = true ] && echo ", cluster: {etcd: {endpoints: http://10.97.0.5:2379, prefix: /bench/}}")}"
    done
    for c in alice bob carol dave; do
      j=$((j + 1))
      local connect=${!j}
      connect=${connect//hub-a/${ADDRESS[hub-a]}:9000}; connect=${connect//hub-b/${ADDRESS[hub-b]}:9000}
      echo "  $c: {role: client, connect: [$connect], hub-key: \"$HUB_KEY\", key: file:$c.key, address: 10.0.0.$((100 + j))}"
    done
  } > "$DIR/lwt.yaml"
}
start() { # start NODE: in its namespace, waiting for "tunnel up" (and, for a clustered hub, its registration)
  ip netns exec $P-$1 "$LWT" run "$DIR/lwt.yaml" --node $1 > "$DIR/$1.log" 2>&1 &
  PID[$1]=$!; PIDS+=($!)
  for _ in $(seq 600); do grep -qs "tunnel up" "$DIR/$1.log" && return; sleep 0.05; done
  { echo "bench: $1 did not come up:"; cat "$DIR/$1.log"; exit 1; } >&2
}
stop_all() {
  for node in hub-a hub-b alice bob carol dave; do
    [ -n "${PID[$node]:-}" ] && { kill "${PID[$node]}" 2>/dev/null || true; wait "${PID[$node]}" 2>/dev/null || true; }
    PID[$node]=""
  done
}
await_line() { # await_line NODE TEXT
  for _ in $(seq 600); do grep -qs "$2" "$DIR/$1.log" && return; sleep 0.05; done
  { echo "bench: no '$2' in $1's log:"; cat "$DIR/$1.log"; exit 1; } >&2
}
# two streams at once, alice -> bob and carol -> dave; prints their summed Mbit/s
streams() {
  ip netns exec $P-bob iperf3 -s -1 > /dev/null 2>&1 & local s1=$!
  ip netns exec $P-dave iperf3 -s -1 > /dev/null 2>&1 & local s2=$!
  sleep 0.5
  ip netns exec $P-alice iperf3 -c 10.0.0.102 -t $SECONDS_PER_RUN -O 1 -J > "$DIR/s1.json" 2>&1 & local c1=$!
  ip netns exec $P-carol iperf3 -c 10.0.0.104 -t $SECONDS_PER_RUN -O 1 -J > "$DIR/s2.json" 2>&1 & local c2=$!
  wait $c1 $c2 $s1 $s2 || true
  local total=0 f
  for f in s1 s2; do
    total=$(awk -v t=$total -v b="$(tr -d ' \n\t' < "$DIR/$f.json" | grep -o '"sum_received":{[^}]*' \
      | grep -o '"bits_per_second":[0-9.e+]*' | head -1 | cut -d: -f2)" 'BEGIN {printf "%.0f", t + b / 1e6}')
  done
  echo $total
}
median_rtt() { # median_rtt FROM ADDRESS
  ip netns exec $P-$1 ping -c 100 -i 0.01 $2 | grep -o 'time=[0-9.]*' | cut -d= -f2 | sort -n \
    | awk '{t[NR] = $1} END {printf "%.3f", NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2}'
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$1/status; }
up() { # up CLUSTER HUBS...: the topology, both hubs, the four clients
  topology "$@"; start hub-a; start hub-b
  if [ "$1" = true ]; then await_line hub-a "registered"; await_line hub-b "registered"; fi
  for c in alice bob carol dave; do start $c; done
  ip netns exec $P-alice ping -c 3 -i 0.2 -W 2 10.0.0.102 > /dev/null || true  # routes and links settle
  ip netns exec $P-carol ping -c 3 -i 0.2 -W 2 10.0.0.104 > /dev/null || true
}

up false hub-a hub-a hub-a hub-a; sleep 2
rss_alone=$(rss_mb ${PID[hub-a]})
one=$(streams); stop_all
up true hub-a hub-a hub-b hub-b; sleep 2
rss_cluster=$(rss_mb ${PID[hub-a]})
same=$(streams); rtt_same=$(median_rtt alice 10.0.0.102); stop_all
up true hub-a hub-b hub-a hub-b
await_line hub-a "link to hub hub-b up"
cross=$(streams); rtt_cross=$(median_rtt alice 10.0.0.102); stop_all

# failover: alice lists both hubs and joins hub-a (hub-b is not up yet); bob is on hub-b; hub-a is killed while
# alice pings bob every 20 ms
failovers=()
for round in 1 2 3; do
  topology true "hub-a, hub-b" hub-b hub-b hub-b
  start hub-a; await_line hub-a "registered"; start alice
  start hub-b; await_line hub-b "registered"; start bob
  await_line hub-a "link to hub hub-b up"
  ip netns exec $P-alice ping -c 3 -i 0.2 -W 2 10.0.0.102 > /dev/null || true
  killed=$(date +%s%N)
  kill -9 ${PID[hub-a]}; wait ${PID[hub-a]} 2>/dev/null || true; PID[hub-a]=""
  ip netns exec $P-alice ping -c 1 -i 0.02 -W 1 -w 30 10.0.0.102 > /dev/null
  failovers+=("$(( ($(date +%s%N) - killed) / 1000000 )) ms")
  stop_all
done

echo
echo "Cluster $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), two iperf3 streams at once for ${SECONDS_PER_RUN} s" \
  "(alice -> bob, carol -> dave), MTU 1400, one etcd member"
echo
echo "| clients | aggregate Mbit/s | ratio of one hub |"
echo "|---|---|---|"
echo "| all four on one hub | $one | 1.000 |"
echo "| over two hubs, each pair on one hub | $same | $(awk "BEGIN {printf \"%.3f\", $same / $one}") |"
echo "| over two hubs, each pair across them (over the link) | $cross | $(awk "BEGIN {printf \"%.3f\", $cross / $one}") |"
echo
echo "| | ping RTT alice -> bob, median |"
echo "|---|---|"
echo "| same hub | $rtt_same ms |"
echo "| across two hubs | $rtt_cross ms (+$(awk "BEGIN {printf \"%.3f\", $rtt_cross - $rtt_same}") ms) |"
echo
echo "Failover (alice's hub killed, to her first ping answered by bob through the other hub): ${failovers[*]}"
echo "Hub RSS, idle after start: without a cluster $rss_alone MB, with the etcd cluster plugin $rss_cluster MB"
