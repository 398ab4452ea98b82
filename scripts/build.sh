#!/usr/bin/env bash
# Builds every module and the runtime image (packaging/target/maven-jlink/default, with bin/lwt), skipping tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/java-home.sh
mvn -B -ntp -q install -DskipTests
echo "runtime image: $(pwd)/packaging/target/maven-jlink/default (run bin/lwt --help)"
