# Sourced after network.sh: ping latency at idle and under load between two namespaces, the same for every tunnel.
# Idle: 100 pings 20 ms apart. Loaded: 200 pings 25 ms apart while one iperf3 TCP stream runs the same way.
# Percentiles are nearest-rank over the per-packet time= lines (ping's summary has no percentiles), so a lost
# ping shortens the list instead of counting as zero; losses are reported beside the figures. About 20 s a row.
command -v iperf3 >/dev/null || { echo "bench: needs iperf3" >&2; exit 1; }

# pings NAMESPACE ADDRESS COUNT INTERVAL: prints "p50 p99 lost" in ms; bounded by ping's deadline. With a deadline,
# ping sends until COUNT replies came, so a late reply to an extra request may make more than COUNT: none lost.
pings() {
  local count=$3 interval=$4 deadline
  deadline=$(awk "BEGIN {printf \"%d\", $count * $interval + 5}")
  { ip netns exec $1 ping -n -c $count -i $interval -w $deadline $2 || true; } | grep -v DUP | grep -o 'time=[0-9.]*' \
    | cut -d= -f2 | sort -n | awk -v count=$count '
      function rank(q) { i = int(q * NR); if (i < q * NR) i++; return t[i < 1 ? 1 : i] }
      {t[NR] = $1}
      END {if (NR == 0) {print "- - " count; exit} printf "%.3f %.3f %d", rank(0.50), rank(0.99), NR < count ? count - NR : 0}'
}

# iperf3_start FROM TO ADDRESS SECONDS [OMIT]: one TCP stream in the background, its JSON in $DIR/iperf3.json;
# iperf3_wait then sets MBITS to its received Mbit/s and BYTES to the bytes received (the omitted first seconds
# excluded). Not in a subshell: the exit trap must know both PIDs.
iperf3_start() {
  local from=$1 to=$2 address=$3 seconds=$4 omit=${5:-0}
  : > "$DIR/iperf3-server.log"
  ip netns exec $to iperf3 -s -1 --forceflush > "$DIR/iperf3-server.log" 2>&1 &
  IPERF3_SERVER=$!; PIDS+=($!)
  for _ in $(seq 100); do grep -qs "Server listening" "$DIR/iperf3-server.log" && break; sleep 0.05; done
  ip netns exec $from iperf3 -c $address -t $seconds -O $omit --connect-timeout 3000 -J > "$DIR/iperf3.json" 2>&1 &
  IPERF3_CLIENT=$!; PIDS+=($!)
}
iperf3_wait() {
  forget $IPERF3_CLIENT
  # the server ends by itself after one test (bash has then reaped it), unless the client never reached it
  kill $IPERF3_SERVER 2>/dev/null || true; forget $IPERF3_SERVER
  local received; received=$(tr -d ' \n\t' < "$DIR/iperf3.json" | grep -o '"sum_received":{[^}]*' || true)
  MBITS=$(echo "$received" | grep -o '"bits_per_second":[0-9.e+]*' | head -1 | cut -d: -f2 \
    | awk '{printf "%.0f", $1 / 1e6} END {if (NR == 0) printf "-"}')
  BYTES=$(echo "$received" | grep -o '"bytes":[0-9]*' | head -1 | cut -d: -f2 || true)
}

# latency_row LABEL FROM TO ADDRESS: warms the path with a stream of WARMUP_SECONDS (default 10: a Java node's C2
# compiler, the only one in the image, took about that long to reach full speed on a busy 2-core machine), then
# prints a row of latency_header's table
latency_row() {
  local label=$1 from=$2 to=$3 address=$4 idle loaded
  iperf3_start $from $to $address ${WARMUP_SECONDS:-10}; iperf3_wait
  idle=($(pings $from $address 100 0.02))
  # the stream runs 1 s (slow start, not counted) + 6 s; the 200 pings take 5 s from its second second
  iperf3_start $from $to $address 6 1
  sleep 1
  loaded=($(pings $from $address 200 0.025))
  iperf3_wait
  echo "| $label | ${idle[0]} ms | ${idle[1]} ms$(lost ${idle[2]} 100) | ${loaded[0]} ms | ${loaded[1]} ms$(lost ${loaded[2]} 200) | $MBITS Mbit/s |"
}
lost() { [ "$1" = 0 ] || echo " ($1 of $2 lost)"; }
latency_header() {
  echo "| | idle p50 | idle p99 | loaded p50 | loaded p99 | throughput while loaded |"
  echo "|---|---|---|---|---|---|"
}
