#!/usr/bin/env bash
# Installs what the build, the demo and the tests use, when missing (Debian, as root), and checks for JDK 25.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v mvn >/dev/null || need+=(maven)
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
command -v iperf3 >/dev/null || need+=(iperf3)
command -v nft >/dev/null || need+=(nftables)
command -v pgrep >/dev/null || need+=(procps)
command -v nc >/dev/null || need+=(netcat-openbsd)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
command -v nginx >/dev/null || need+=(nginx)
command -v objcopy >/dev/null || need+=(binutils)
# the launcher's tests run the generated completion in bash and zsh and render the man pages with groff and man
command -v zsh >/dev/null || need+=(zsh)
command -v groff >/dev/null || need+=(groff-base)
command -v man >/dev/null || need+=(man-db)
command -v promtool >/dev/null || need+=(prometheus)  # promtool checks a live hub's /metrics
command -v etcd >/dev/null || need+=(etcd-server)  # the hub cluster's store: its tests start their own members
# the Debian package: dpkg-deb builds it; its test installs it, and its scripts add and delete the user lwt
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v useradd >/dev/null || need+=(passwd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing ${need[*]}; run as root to install them" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
source scripts/java-home.sh
