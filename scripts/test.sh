#!/usr/bin/env bash
# Runs the whole test suite: unit, in-memory, architecture and (as root) end-to-end tests in network namespaces.
# LWT_E2E=required turns a skipped end-to-end test into a failure (CI sets it). It installs the artifacts in the
# local Maven repository, because the example plugin under examples/ builds against the installed api, as a
# third party would.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/java-home.sh
exec mvn -B -ntp install "$@"
