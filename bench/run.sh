#!/usr/bin/env bash
# Tunnel benchmark on one machine (root): a hub and two clients in network namespaces joined by veth, as in
# `lwt demo`. Measures, in one run, iperf3 throughput (1 and 4 TCP streams) client to client through the hub and
# client to hub, ping RTT, CPU seconds per GB and RSS of each tunnel process, and the raw veth path between the
# same namespaces as the reference. Prints a Markdown table; every tunnel figure is also a ratio of the raw path.
# With "codecs", it instead runs the tunnel with each disguise codec in turn (websocket also behind nginx, when
# installed) and prints client-to-client throughput (1 stream) and ping RTT as ratios of length-prefix.
# Bounded: each iperf3 run lasts SECONDS (default 10). Everything it creates is removed on exit, also on failure.
# With "tls", it runs the tunnel over tcp and then over tls (a pinned hub certificate) and compares them.
# With "udp", it runs the tunnel over tcp, over udp, and over udp without its segmentation and receive offloads (the
# hub listening on tcp and udp, the clients dialing one), and compares them: 1 and 4 streams client to client through
# the hub, CPU seconds per GB of the hub and of the three nodes, ping RTT.
# With "seal", it compares, client to client through the hub with TUN offloads: tcp with sealing off (a benchmark-only
# mode, -Dlwt.benchmark.unsealed=true: the cost of nothing), tcp sealed (the default), tls with sealing inside it
# (benchmark only, -Dlwt.benchmark.sealed-inside-tls=true), and tls alone with the handshake bound to it (the
# default on tls), and prints each as a ratio of the first.
# With "offload", it runs the tunnel with TUN offloads (the default) and without (tun: {linux: {offload: false}}),
# beside the raw path, and gives the CPU seconds per GB of the three nodes together.
# With "latency", it measures client to client through the hub, over tcp and over tls and on the raw path, ping
# p50 and p99 at idle (100 pings 20 ms apart) and while one iperf3 stream runs the same way (200 pings 25 ms apart),
# and that stream's throughput (bench/latency.sh; bench/peers.sh adds OpenVPN and tinc). It ignores SECONDS.
# With "pauses", it logs every GC and safepoint of the three nodes (unified logging) while one iperf3 stream runs
# client to client through the hub for SECONDS (default 60) and pings go the same way, and prints per node the
# count, the longest pause and the operation that took it; PAUSE_OPTIONS adds JVM options to compare against the
# image's own (bin/lwt).
#   bench/run.sh [SECONDS]  |  bench/run.sh codecs|tls|udp|offload|seal|latency|pauses [SECONDS]  (build first: bash scripts/build.sh)
MODE=all
case "${1:-}" in codecs|tls|udp|offload|seal|latency|pauses) MODE=$1; shift ;; esac
SECONDS_PER_RUN=${1:-$([ $MODE = pauses ] && echo 60 || echo 10)}
source "$(dirname "$0")/network.sh"
source "$(dirname "$0")/latency.sh"


# iperf3 from one namespace to another; prints "Mbit/s cpu_s_per_GB(hub) cpu_s_per_GB(sender) cpu_s_per_GB(receiver)"
measure() { # from to address streams sender receiver
  local from=$1 to=$2 address=$3 streams=$4 sender=${5:-} receiver=${6:-}
  ip netns exec $to iperf3 -s -1 --forceflush > "$DIR/server.log" 2>&1 &
  local server=$!
  for _ in $(seq 100); do grep -q "Server listening" "$DIR/server.log" && break; sleep 0.05; done
  local h0=$(cpu_ticks ${NODE_PID[hub]}) s0=0 r0=0
  [ -n "$sender" ] && s0=$(cpu_ticks ${NODE_PID[$sender]}); [ -n "$receiver" ] && r0=$(cpu_ticks ${NODE_PID[$receiver]})
  local json; json=$(ip netns exec $from iperf3 -c $address -P $streams -t $SECONDS_PER_RUN -J | tr -d " \n\t")
  wait $server || true
  local bits; bits=$(echo "$json" | grep -o '"sum_received":{[^}]*' | grep -o '"bits_per_second":[0-9.e+]*' | head -1 | cut -d: -f2)
  local bytes; bytes=$(echo "$json" | grep -o '"sum_received":{[^}]*' | grep -o '"bytes":[0-9]*' | head -1 | cut -d: -f2)
  local gb; gb=$(awk "BEGIN {print $bytes / 1e9}")
  local h1=$(cpu_ticks ${NODE_PID[hub]}) s1=0 r1=0
  [ -n "$sender" ] && s1=$(cpu_ticks ${NODE_PID[$sender]}); [ -n "$receiver" ] && r1=$(cpu_ticks ${NODE_PID[$receiver]})
  awk "BEGIN {printf \"%.0f %.1f %.1f %.1f\", $bits / 1e6, ($h1 - $h0) / $TICK / $gb, ($s1 - $s0) / $TICK / $gb, ($r1 - $r0) / $TICK / $gb}"
}
# rtt NAMESPACE ADDRESS: the median ping RTT in ms of 100 pings 10 ms apart (the median, since a VM's scheduling
# adds rare outliers of several ms that would dominate an average)
rtt() {
  ip netns exec $1 ping -c 100 -i 0.01 $2 | grep -o 'time=[0-9.]*' | cut -d= -f2 | sort -n \
    | awk '{t[NR] = $1} END {printf "%.3f", NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2}'
}

ratio() { awk "BEGIN {printf \"%.3f\", $1 / $2}"; }

if [ $MODE = codecs ]; then
  # nginx in the hub's namespace as a WebSocket reverse proxy on port 8080, one process, files in $DIR
  nginx_start() {
    mkdir -p "$DIR/nginx"
    cat > "$DIR/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx/body; proxy_temp_path $DIR/nginx/proxy; fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi; scgi_temp_path $DIR/nginx/scgi;
  server {
    listen 8080;
    location / {
      proxy_pass http://127.0.0.1:9000;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1h;
    }
  }
}
CONF
    ip netns exec $HUB nginx -p "$DIR/nginx" -e "$DIR/nginx/error.log" -c "$DIR/nginx/nginx.conf" &
    NGINX_PID=$!; PIDS+=($!)
    for _ in $(seq 100); do ip netns exec $HUB ss -Hltn 'sport = :8080' | grep -q 8080 && break; sleep 0.05; done
  }
  CASES=("length-prefix" "websocket" "padded")
  command -v nginx >/dev/null && CASES+=("websocket via nginx")
  declare -A MBITS RTT
  for case in "${CASES[@]}"; do
    if [ "$case" = "websocket via nginx" ]; then nginx_start; start_nodes websocket 8080; else start_nodes "$case"; fi
    ip netns exec $A ping -c 2 -q 10.0.0.3 > /dev/null  # warm up
    result=$(measure $A $B 10.0.0.3 1 alice bob)
    MBITS[$case]=${result%% *}
    RTT[$case]=$(rtt $A 10.0.0.3)
    stop_nodes
    if [ "$case" = "websocket via nginx" ]; then stop $NGINX_PID; fi
  done
  echo
  echo "Codecs $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), iperf3 ${SECONDS_PER_RUN} s, 1 stream client to client through the hub, MTU 1400"
  echo
  echo "| codec | Mbit/s | throughput ratio of length-prefix | ping RTT (median ms) | RTT ratio of length-prefix |"
  echo "|---|---|---|---|---|"
  for case in "${CASES[@]}"; do
    echo "| $case | ${MBITS[$case]} | $(ratio ${MBITS[$case]} ${MBITS[length-prefix]}) | ${RTT[$case]} | $(ratio ${RTT[$case]} ${RTT[length-prefix]}) |"
  done
  exit 0
fi

if [ $MODE = latency ]; then
  pin=$("$LWT" cert create hub --dir "$DIR/certs" | sed -n 's/.*pin: //p')
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo
  echo "Latency $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), client to client through the hub, MTU 1400"
  echo
  latency_header
  latency_row "raw path" $A $B 10.99.2.2
  start_nodes; latency_row "lwt tcp" $A $B 10.0.0.3; stop_nodes
  start_nodes length-prefix 9000 "{tcp: {unsent-limit: 0}}" "{tcp: {unsent-limit: 0}}"
  latency_row "lwt tcp, the system's unsent limit" $A $B 10.0.0.3; stop_nodes
  start_nodes length-prefix 9000 "{tls: {certificate: certs/hub.crt, private-key: certs/hub.key}}" "{tls: {pin: '$pin'}}"
  latency_row "lwt tls" $A $B 10.0.0.3; stop_nodes
  echo
  echo "Load average (1, 5, 15 min) before: $load; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

if [ $MODE = seal ]; then
  pin=$("$LWT" cert create hub --dir "$DIR/certs" | sed -n 's/.*pin: //p')
  CASES=("tcp unsealed (benchmark only)" "tcp sealed" "tls, sealed inside" "tls, bound (the default)")
  declare -A ONE FOUR RTTS
  for case in "${CASES[@]}"; do
    case "$case" in
      *unsealed*) export LWT_JAVA_OPTIONS="-Dlwt.benchmark.unsealed=true" ;;
      "tls, sealed inside") export LWT_JAVA_OPTIONS="-Dlwt.benchmark.sealed-inside-tls=true" ;;
      *) unset LWT_JAVA_OPTIONS ;;
    esac
    case "$case" in
      tls*) start_nodes length-prefix 9000 "{tls: {certificate: certs/hub.crt, private-key: certs/hub.key}}" "{tls: {pin: '$pin'}}" ;;
      *) start_nodes ;;
    esac
    ip netns exec $A ping -c 2 -q 10.0.0.3 > /dev/null  # warm up
    ONE[$case]=$(measure $A $B 10.0.0.3 1 alice bob); FOUR[$case]=$(measure $A $B 10.0.0.3 4 alice bob)
    RTTS[$case]=$(rtt $A 10.0.0.3)
    stop_nodes
  done
  unset LWT_JAVA_OPTIONS
  base="tcp unsealed (benchmark only)"
  set -- ${ONE[$base]}; base1=$1; basecpu=$(awk "BEGIN {print $2 + $3 + $4}")
  set -- ${FOUR[$base]}; base4=$1
  echo
  echo "Sealing $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), iperf3 ${SECONDS_PER_RUN} s, client to client through the hub, TUN offloads, MTU 1400"
  echo
  echo "| case | 1 stream Mbit/s | ratio | CPU s/GB, 3 nodes | ratio | 4 streams Mbit/s | ratio | ping RTT ms (median) | added |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for case in "${CASES[@]}"; do
    set -- ${ONE[$case]}; one=$1; cpu=$(awk "BEGIN {printf \"%.1f\", $2 + $3 + $4}")
    set -- ${FOUR[$case]}; four=$1
    echo "| $case | $one | $(ratio $one $base1) | $cpu | $(ratio $cpu $basecpu) | $four | $(ratio $four $base4) | ${RTTS[$case]} | $(awk "BEGIN {printf \"%+.3f\", ${RTTS[$case]} - ${RTTS[$base]}}") |"
  done
  exit 0
fi

if [ $MODE = pauses ]; then
  # %p: each JVM writes its own file, named by its PID
  export LWT_JAVA_OPTIONS="-Xlog:gc,safepoint:file=$DIR/pauses-%p.log ${PAUSE_OPTIONS:-}"
  start_nodes
  unset LWT_JAVA_OPTIONS
  iperf3_start $A $B 10.0.0.3 ${WARMUP_SECONDS:-10}; iperf3_wait  # C2 reaches full speed, as in latency_row
  declare -A SKIP  # only the loaded run counts: lines logged before it are skipped
  for node in hub alice bob; do SKIP[$node]=$(wc -l < "$DIR/pauses-${NODE_PID[$node]}.log"); done
  iperf3_start $A $B 10.0.0.3 $SECONDS_PER_RUN
  sleep 1
  loaded=($(pings $A 10.0.0.3 $(( (SECONDS_PER_RUN - 2) * 40 )) 0.025))
  iperf3_wait
  echo
  echo "Pauses $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), one iperf3 stream alice to bob through the hub for" \
    "$SECONDS_PER_RUN s ($MBITS Mbit/s), pings 25 ms apart the same way: p50 ${loaded[0]} ms, p99 ${loaded[1]} ms$(lost ${loaded[2]} $(( (SECONDS_PER_RUN - 2) * 40 )))"
  echo "JVM options added to the image's: ${PAUSE_OPTIONS:-none}"
  echo
  echo "| node | GCs | GC pause p50 | safepoints | safepoint p50 | p99 | longest | its operation | over 1 ms | over 5 ms | RSS after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for node in hub alice bob; do
    log=$DIR/pauses-${NODE_PID[$node]}.log
    # a safepoint's Total is reaching + at + leaving it: what every Java thread of the node waited
    tail -n +$(( SKIP[$node] + 1 )) "$log" | grep -o 'Pause Young.* [0-9.]*ms$' | grep -o '[0-9.]*ms$' | tr -d ms | sort -n > "$DIR/gc" || true
    tail -n +$(( SKIP[$node] + 1 )) "$log" | grep 'Safepoint "' \
      | sed 's/.*Safepoint "\([^"]*\)".*Total: \([0-9]*\) ns.*/\2 \1/' | sort -n > "$DIR/safepoints"
    awk -v node=$node -v rss=$(rss_mb ${NODE_PID[$node]}) -v gcs=$(wc -l < "$DIR/gc") \
        -v gc50=$(awk '{t[NR] = $1} END {print NR ? t[int((NR + 1) / 2)] : 0}' "$DIR/gc") '
      function rank(q) { i = int(q * NR); if (i < q * NR) i++; return t[i < 1 ? 1 : i] / 1e6 }
      {t[NR] = $1; op[NR] = $2; if ($1 > 1e6) over1++; if ($1 > 5e6) over5++}
      END {printf "| %s | %d | %.3f ms | %d | %.3f ms | %.3f ms | %.3f ms | %s | %d | %d | %d MB |\n", node, gcs, gc50, NR,
        rank(0.5), rank(0.99), rank(1), op[NR], over1, over5, rss}
    ' "$DIR/safepoints"
  done
  exit 0
fi

if [ $MODE = tls ]; then
  # the same tunnel over tcp and over tls (a hub certificate pinned by the clients), in one run
  pin=$("$LWT" cert create hub --dir "$DIR/certs" | sed -n 's/.*pin: //p')
  declare -A C2C1 C2C4 RTTS CPU
  for transport in tcp tls; do
    if [ $transport = tls ]; then
      start_nodes length-prefix 9000 "{tls: {certificate: certs/hub.crt, private-key: certs/hub.key}}" "{tls: {pin: '$pin'}}"
    else
      start_nodes
    fi
    ip netns exec $A ping -c 2 -q 10.0.0.3 > /dev/null  # warm up
    C2C1[$transport]=$(measure $A $B 10.0.0.3 1 alice bob); C2C4[$transport]=$(measure $A $B 10.0.0.3 4 alice bob)
    RTTS[$transport]=$(rtt $A 10.0.0.3)
    if [ $transport = tls ]; then
      # handshake: full TLS 1.3 handshakes by openssl against the hub, including openssl's own start (an upper bound);
      # paced below the hub's connection-rate limit of 10 a second per address
      total=0
      for _ in $(seq 10); do
        start=$(date +%s%N)
        ip netns exec $A openssl s_client -connect 10.99.1.1:9000 < /dev/null > /dev/null 2>&1
        total=$((total + $(date +%s%N) - start)); sleep 0.2
      done
      handshake=$(awk "BEGIN {printf \"%.1f\", $total / 10 / 1e6}")
    fi
    stop_nodes
  done
  echo
  echo "TLS $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), iperf3 ${SECONDS_PER_RUN} s, client to client through the hub, MTU 1400"
  echo
  echo "| transport | 1 stream Mbit/s | ratio of tcp | 4 streams Mbit/s | ratio of tcp | hub CPU s/GB (1 stream) | ping RTT ms (median) |"
  echo "|---|---|---|---|---|---|---|"
  for transport in tcp tls; do
    set -- ${C2C1[$transport]}; one=$1 hubcpu=$2
    set -- ${C2C4[$transport]}; four=$1
    set -- ${C2C1[tcp]}; base1=$1
    set -- ${C2C4[tcp]}; base4=$1
    echo "| $transport | $one | $(ratio $one $base1) | $four | $(ratio $four $base4) | $hubcpu | ${RTTS[$transport]} |"
  done
  echo
  echo "TLS handshake, openssl s_client to the hub, average of 10 including process start: $handshake ms"
  exit 0
fi

if [ $MODE = udp ]; then
  CASES=("tcp" "udp" "udp without offloads")
  declare -A ONE FOUR RTTS
  for case in "${CASES[@]}"; do
    case "$case" in
      tcp) start_nodes length-prefix 9000 "[tcp, udp]" tcp ;;
      udp) start_nodes length-prefix 9000 "[tcp, udp]" udp ;;
      *) start_nodes length-prefix 9000 "[tcp, {udp: {offload: false}}]" "{udp: {offload: false}}" ;;
    esac
    ip netns exec $A ping -c 2 -q 10.0.0.3 > /dev/null  # warm up
    ONE[$case]=$(measure $A $B 10.0.0.3 1 alice bob); FOUR[$case]=$(measure $A $B 10.0.0.3 4 alice bob)
    RTTS[$case]=$(rtt $A 10.0.0.3)
    stop_nodes
  done
  echo
  echo "UDP $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), iperf3 ${SECONDS_PER_RUN} s, client to client through the hub, TUN offloads, MTU 1400"
  echo
  echo "| transport | 1 stream Mbit/s | ratio of tcp | hub CPU s/GB | 3 nodes CPU s/GB | 4 streams Mbit/s | ratio of tcp | ping RTT ms (median) |"
  echo "|---|---|---|---|---|---|---|---|"
  set -- ${ONE[tcp]}; base1=$1
  set -- ${FOUR[tcp]}; base4=$1
  for case in "${CASES[@]}"; do
    set -- ${ONE[$case]}; one=$1; hubcpu=$2; cpu=$(awk "BEGIN {printf \"%.1f\", $2 + $3 + $4}")
    set -- ${FOUR[$case]}; four=$1
    echo "| $case | $one | $(ratio $one $base1) | $hubcpu | $cpu | $four | $(ratio $four $base4) | ${RTTS[$case]} |"
  done
  exit 0
fi

if [ $MODE = offload ]; then
  declare -A ONE FOUR HUB1 RTTS
  for offload in true false; do
    TUN="{linux: {offload: $offload}}" start_nodes
    if [ $offload = true ]; then  # the raw path while the nodes idle, as in the other modes
      raw1=$(measure $A $B 10.99.2.2 1); raw4=$(measure $A $B 10.99.2.2 4); rawrtt=$(rtt $A 10.99.2.2)
    fi
    ip netns exec $A ping -c 2 -q 10.0.0.3 > /dev/null  # warm up
    ONE[$offload]=$(measure $A $B 10.0.0.3 1 alice bob); FOUR[$offload]=$(measure $A $B 10.0.0.3 4 alice bob)
    HUB1[$offload]=$(measure $A $HUB 10.0.0.1 1 alice); RTTS[$offload]=$(rtt $A 10.0.0.3)
    stop_nodes
  done
  echo
  echo "Offloads $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), iperf3 ${SECONDS_PER_RUN} s per run, MTU 1400"
  echo
  echo "| path | 1 stream Mbit/s | ratio of raw | CPU s/GB, 3 nodes | 4 streams Mbit/s | ratio of raw | client to hub Mbit/s | ping RTT ms, median (added) |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| raw veth, client to client via hub namespace | ${raw1%% *} | 1.000 | | ${raw4%% *} | 1.000 | | $rawrtt |"
  for offload in true false; do
    set -- ${ONE[$offload]}; one=$1; cpu=$(awk "BEGIN {printf \"%.1f\", $2 + $3 + $4}")
    set -- ${FOUR[$offload]}; four=$1
    set -- ${HUB1[$offload]}; hub=$1
    added=$(awk "BEGIN {printf \"%.3f\", ${RTTS[$offload]} - $rawrtt}")
    label=$([ $offload = true ] && echo "tunnel with TUN offloads" || echo "tunnel without offloads")
    echo "| $label, client to client through hub | $one | $(ratio $one ${raw1%% *}) | $cpu | $four | $(ratio $four ${raw4%% *}) | $hub | ${RTTS[$offload]} ($added) |"
  done
  exit 0
fi

start_nodes
ip netns exec $A ping -c 2 -q 10.0.0.3 > /dev/null  # warm up
raw1=$(measure $A $B 10.99.2.2 1); raw4=$(measure $A $B 10.99.2.2 4)
rawhub1=$(measure $A $HUB 10.99.1.1 1); rawhub4=$(measure $A $HUB 10.99.1.1 4)
c2c1=$(measure $A $B 10.0.0.3 1 alice bob); c2c4=$(measure $A $B 10.0.0.3 4 alice bob)
c2h1=$(measure $A $HUB 10.0.0.1 1 alice); c2h4=$(measure $A $HUB 10.0.0.1 4 alice)
rawrtt=$(rtt $A 10.99.2.2); tunrtt=$(rtt $A 10.0.0.3)

row() { # label result raw
  set -- "$1" $2 $3
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(ratio $2 $6)" "$3" "$4" "$5"
}
echo
echo "Benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), iperf3 ${SECONDS_PER_RUN} s per run, MTU 1400"
echo
echo "| path | Mbit/s | ratio of raw | hub CPU s/GB | sender CPU s/GB | receiver CPU s/GB |"
echo "|---|---|---|---|---|---|"
echo "| raw veth, client to client via hub namespace, 1 stream | ${raw1%% *} | 1.000 | | | |"
echo "| raw veth, client to client via hub namespace, 4 streams | ${raw4%% *} | 1.000 | | | |"
echo "| raw veth, client to hub, 1 stream | ${rawhub1%% *} | 1.000 | | | |"
echo "| raw veth, client to hub, 4 streams | ${rawhub4%% *} | 1.000 | | | |"
row "tunnel, client to client through hub, 1 stream" "$c2c1" "${raw1%% *}"
row "tunnel, client to client through hub, 4 streams" "$c2c4" "${raw4%% *}"
row "tunnel, client to hub, 1 stream" "$c2h1" "${rawhub1%% *}"
row "tunnel, client to hub, 4 streams" "$c2h4" "${rawhub4%% *}"
echo
echo "| | raw veth | tunnel | ratio |"
echo "|---|---|---|---|"
echo "| ping RTT alice to bob (median ms) | $rawrtt | $tunrtt | $(ratio $tunrtt $rawrtt) |"
echo "| RSS after the runs (MB): hub, alice, bob | | $(rss_mb ${NODE_PID[hub]}), $(rss_mb ${NODE_PID[alice]}), $(rss_mb ${NODE_PID[bob]}) | |"
