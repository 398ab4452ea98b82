#!/usr/bin/env bash
# Runs the whole test suite: unit, in-memory, architecture and (as root) end-to-end tests in network namespaces.
# LWT_E2E=required turns a skipped end-to-end test into a failure (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/java-home.sh
exec mvn -B -ntp verify "$@"
