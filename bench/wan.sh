#!/usr/bin/env bash
# The WAN test bed: the namespaces of bench/network.sh with a router namespace between alice and the hub that
# makes a long, lossy, rate-limited link of alice's uplink. Delay and jitter come from test-support's DelayLine (a
# user-space element: this kernel has no sch_netem), loss from nftables (numgen random) and the rate from tbf, both
# in the router. It prints, first, what the delay line itself carries with no delay, no loss and no rate limit,
# and its CPU seconds per GB, so it is not what the rest measures; then, for each loss rate, the rows of
# bench/latency.sh (ping p50 and p99 idle and during one iperf3 stream alice -> bob, and that stream's throughput)
# for the raw path through the same test bed and for lwt over tcp and over udp (the hub listening on both).
# Bounded (about five minutes); everything it starts and creates is removed on exit, also on failure.
#   bench/wan.sh [DELAY_EACH_WAY [RATE [LOSS_PERCENTS...]]]   default: 20ms 100mbit 0 1 3
#   (needs root; build first: bash scripts/build.sh, which also compiles test-support's DelayLine)
DELAY=${1:-20ms}
RATE=${2:-100mbit}
LOSSES=("${@:3}")
[ ${#LOSSES[@]} -gt 0 ] || LOSSES=(0 1 3)
source "$(dirname "$0")/network.sh"
source "$(dirname "$0")/latency.sh"
command -v nft >/dev/null && command -v tc >/dev/null || { echo "bench: needs nft and tc" >&2; exit 1; }
CLASSES=$(pwd)/test-support/target/classes
[ -f "$CLASSES/io/lwt/testsupport/DelayLine.class" ] || { echo "bench: no $CLASSES: run bash scripts/build.sh" >&2; exit 1; }
JAVA=$(dirname "$LWT")/java

# alice reaches the hub (10.99.1.1, as the topology says) through the router: alice 10.99.3.2 - wan-a 10.99.3.1
# [router] wan-h 10.99.1.254 - veth-a 10.99.1.1 [hub]
R=$P-router
ip netns add $R; ip -n $R link set lo up
ip -n $HUB link del veth-a
ip link add veth-a netns $HUB type veth peer name wan-h netns $R
ip link add wan-a netns $R type veth peer name veth0 netns $A
ip -n $HUB addr add 10.99.1.1/24 dev veth-a; ip -n $HUB link set veth-a up
ip -n $HUB route add 10.99.3.0/24 via 10.99.1.254
ip -n $R addr add 10.99.1.254/24 dev wan-h; ip -n $R link set wan-h up
ip -n $R addr add 10.99.3.1/24 dev wan-a; ip -n $R link set wan-a up
ip -n $R route add default via 10.99.1.1
ip -n $A addr add 10.99.3.2/24 dev veth0; ip -n $A link set veth0 up; ip -n $A route add default via 10.99.3.1
ip -n $B route add 10.99.3.0/24 via 10.99.2.1
ip netns exec $R sysctl -q -w net.ipv4.ip_forward=1
trap 'cleanup; ip netns del $R 2>/dev/null || true' EXIT

# delay_line DELAY: (re)starts the delay line between the router's two interfaces, in DELAY_LINE
delay_line() {
  [ -z "${DELAY_LINE:-}" ] || stop $DELAY_LINE
  ip netns exec $R "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx64m -cp "$CLASSES" io.lwt.testsupport.DelayLine \
    wan-a wan-h "$1" > "$DIR/delay-line.log" 2>&1 &
  DELAY_LINE=$!; PIDS+=($!)
  for _ in $(seq 600); do grep -qs "delay line ready" "$DIR/delay-line.log" && return; sleep 0.05; done
  { echo "bench: the delay line did not start:"; cat "$DIR/delay-line.log"; exit 1; } >&2
}

start_nodes length-prefix 9000 "[tcp, udp]" tcp
delay_line 0ms
t0=$(cpu_ticks $DELAY_LINE)
iperf3_start $A $B 10.99.2.2 10 1; iperf3_wait
line_cpu=$(awk "BEGIN {printf \"%.1f\", ($(cpu_ticks $DELAY_LINE) - $t0) / $TICK / ($BYTES / 1e9)}")
line_mbits=$MBITS

# the rate limit on both of the router's egresses, and loss on what enters it from either side (a packet passes the
# forward hook twice, in and out of the delay line's device; only the first counts)
ip netns exec $R tc qdisc add dev wan-a root tbf rate $RATE burst 64kb latency 50ms
ip netns exec $R tc qdisc add dev wan-h root tbf rate $RATE burst 64kb latency 50ms
delay_line $DELAY
echo
echo "WAN $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r): alice's uplink $DELAY each way, $RATE, loss as" \
  "below, each way; client to client through the hub, MTU 1400"
echo
echo "The delay line alone (no delay, loss or rate limit), raw path, one iperf3 stream: $line_mbits Mbit/s," \
  "$line_cpu CPU s/GB of its own"
echo
echo "| loss each way | path | idle p50 | idle p99 | loaded p50 | loaded p99 | throughput while loaded |"
echo "|---|---|---|---|---|---|---|"
for loss in "${LOSSES[@]}"; do
  ip netns exec $R nft delete table inet wan 2>/dev/null || true
  if [ "$loss" != 0 ]; then
    ip netns exec $R nft add table inet wan
    ip netns exec $R nft add chain inet wan forward '{ type filter hook forward priority 0; }'
    ip netns exec $R nft add rule inet wan forward iifname '{ "wan-a", "wan-h" }' numgen random mod 100 "<" $loss drop
  fi
  latency_row "raw path" $A $B 10.99.2.2 | sed "s/^/| $loss% /"
  for transport in tcp udp; do
    stop_nodes; start_nodes length-prefix 9000 "[tcp, udp]" $transport
    latency_row "lwt $transport" $A $B 10.0.0.3 | sed "s/^/| $loss% /"
  done
done
stop $DELAY_LINE
echo
echo "The delay line in these rows: $(grep '^delay line:' "$DIR/delay-line.log" | sed 's/^delay line: //')"
