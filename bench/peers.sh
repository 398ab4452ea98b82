#!/usr/bin/env bash
# Latency against peers, in one sitting: the namespaces of bench/network.sh (a hub and two clients joined by veth),
# client to client through the hub, for the raw path, lwt over tcp and over tls, OpenVPN 2.6 (UDP, AES-256-GCM, a
# server with client-to-client, certificates from a throwaway CA) and tinc 1.0 (router mode, three nodes, its
# default aes-256-cbc with HMAC-SHA256, alice and bob reaching each other only through the hub). Each is measured by
# bench/latency.sh: ping p50 and p99 at idle and while one iperf3 stream runs alice -> bob, and that stream's
# throughput. Every tunnel runs with an MTU of 1400 and otherwise its defaults. Prints one Markdown table, the load
# average before and after, and the versions.
# Bounded (about two and a half minutes); everything it starts and creates is removed on exit, also on failure.
#   bench/peers.sh        (needs root; build first: bash scripts/build.sh; apt-get install -y openvpn tinc)
for tool in openvpn tincd openssl; do
  command -v $tool >/dev/null || { echo "bench: needs $tool (apt-get install -y openvpn tinc openssl)" >&2; exit 1; }
done
source "$(dirname "$0")/network.sh"
source "$(dirname "$0")/latency.sh"

# wait_for FILE TEXT WHAT: up to 30 s for TEXT in a log
wait_for() {
  for _ in $(seq 600); do grep -qs "$2" "$1" && return; sleep 0.05; done
  { echo "bench: $3 did not come up:"; cat "$1"; exit 1; } >&2
}

# OpenVPN: a CA, a server certificate for the hub and client certificates for alice and bob, then the server in
# the hub's namespace (10.8.0.1) and a client in each other one (10.8.0.2 and .3, pushed by client-config-dir).
# Data channel offload is off: it needs a kernel module outside the namespaces, and 2.6 without it is what runs
# wherever that module is not installed.
openvpn_start() {
  local d=$DIR/openvpn
  mkdir -p $d/ccd
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $d/ca.key -out $d/ca.crt \
    -days 1 -subj /CN=bench-ca 2>/dev/null
  local node usage
  for node in hub alice bob; do
    usage=$([ $node = hub ] && echo serverAuth || echo clientAuth)
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $d/$node.key -out $d/$node.csr \
      -subj /CN=$node 2>/dev/null
    printf 'keyUsage = digitalSignature\nextendedKeyUsage = %s\n' $usage > $d/$node.ext
    openssl x509 -req -in $d/$node.csr -CA $d/ca.crt -CAkey $d/ca.key -CAcreateserial -days 1 -extfile $d/$node.ext \
      -out $d/$node.crt 2>/dev/null
  done
  echo "ifconfig-push 10.8.0.2 255.255.255.0" > $d/ccd/alice
  echo "ifconfig-push 10.8.0.3 255.255.255.0" > $d/ccd/bob
  local common="--dev tun --proto udp --port 1194 --data-ciphers AES-256-GCM --tun-mtu 1400 --disable-dco --verb 3"
  ip netns exec $HUB openvpn $common --cd $d --ca ca.crt --cert hub.crt --key hub.key --dh none \
    --topology subnet --server 10.8.0.0 255.255.255.0 --client-to-client --client-config-dir ccd \
    > $d/hub.log 2>&1 &
  VPN_PID[hub]=$!; PIDS+=($!)
  wait_for $d/hub.log "Initialization Sequence Completed" "the OpenVPN server"
  for node in alice bob; do
    local hub_address=$([ $node = alice ] && echo 10.99.1.1 || echo 10.99.2.1)
    ip netns exec $P-$node openvpn $common --cd $d --client --remote $hub_address --nobind --ca ca.crt \
      --cert $node.crt --key $node.key --remote-cert-tls server > $d/$node.log 2>&1 &
    VPN_PID[$node]=$!; PIDS+=($!)
  done
  for node in alice bob; do wait_for $d/$node.log "Initialization Sequence Completed" "the OpenVPN client $node"; done
}

# tinc: keys made by tincd -K, the hosts files shared; alice and bob connect to the hub, and IndirectData keeps
# them from talking directly (and the hub's namespace stops forwarding, so nothing else could: tinc runs last)
tinc_start() {
  local node peer number
  for node in hub alice bob; do
    number=$(case $node in hub) echo 1 ;; alice) echo 2 ;; bob) echo 3 ;; esac)
    local d=$DIR/tinc/$node
    mkdir -p $d/hosts
    { echo "Name = $node"; echo "Mode = router"; echo "Interface = tinc0"; echo "AddressFamily = ipv4"
      [ $node = hub ] || echo "ConnectTo = hub"; } > $d/tinc.conf
    printf '#!/bin/sh\nip addr add 10.9.0.%s/24 dev $INTERFACE\nip link set $INTERFACE mtu 1400 up\n' $number > $d/tinc-up
    chmod +x $d/tinc-up
    { echo "Subnet = 10.9.0.$number/32"; [ $node = hub ] || echo "IndirectData = yes"; } > $d/hosts/$node
    tincd -c $d -K 2048 < /dev/null > $d/keygen.log 2>&1
  done
  for node in hub alice bob; do
    for peer in hub alice bob; do
      [ $peer = $node ] && continue
      { [ $peer = hub ] && echo "Address = $([ $node = alice ] && echo 10.99.1.1 || echo 10.99.2.1)"
        cat $DIR/tinc/$peer/hosts/$peer; } > $DIR/tinc/$node/hosts/$peer
    done
  done
  ip netns exec $HUB sysctl -q -w net.ipv4.ip_forward=0
  for node in hub alice bob; do
    ip netns exec $P-$node tincd -c $DIR/tinc/$node -D -d1 --pidfile=$DIR/tinc/$node/pid > $DIR/tinc/$node.log 2>&1 &
    VPN_PID[$node]=$!; PIDS+=($!)
  done
  for _ in $(seq 30); do ip netns exec $A ping -n -c 1 -W 1 10.9.0.3 > /dev/null 2>&1 && return; done
  { echo "bench: tinc did not come up:"; tail -n 20 $DIR/tinc/*.log; exit 1; } >&2
}
vpn_stop() { for node in hub alice bob; do stop "${VPN_PID[$node]}"; done; }
declare -A VPN_PID

pin=$("$LWT" cert create hub --dir "$DIR/certs" | sed -n 's/.*pin: //p')
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "Latency against peers $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), client to client through the hub, MTU 1400"
echo
latency_header
latency_row "raw path" $A $B 10.99.2.2
start_nodes; latency_row "lwt tcp" $A $B 10.0.0.3; stop_nodes
start_nodes length-prefix 9000 "{tls: {certificate: certs/hub.crt, private-key: certs/hub.key}}" "{tls: {pin: '$pin'}}"
latency_row "lwt tls" $A $B 10.0.0.3; stop_nodes
openvpn_start; latency_row "OpenVPN, UDP, AES-256-GCM" $A $B 10.8.0.3; vpn_stop
cipher=$(grep -m1 -o "Data Channel: cipher '[^']*'" $DIR/openvpn/alice.log || echo "no data channel cipher logged")
tinc_start; latency_row "tinc, router mode" $A $B 10.9.0.3; vpn_stop  # last: the hub no longer forwards
echo
echo "Load average (1, 5, 15 min) before: $load; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "OpenVPN's $cipher"
echo "Versions: $(openvpn --version | head -1 | cut -d' ' -f1-2), $(tincd --version | head -1), $(iperf3 --version | head -1 | cut -d' ' -f1-2)"
