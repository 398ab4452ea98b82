#!/usr/bin/env bash
# Builds every module, the runtime image (packaging/target/maven-jlink/default, with bin/lwt) and the Debian
# package, skipping tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/java-home.sh
mvn -B -ntp -q install -DskipTests
echo "runtime image: $(pwd)/packaging/target/maven-jlink/default (run bin/lwt --help)"
echo "Debian package: $(ls "$(pwd)"/packaging/target/lwt_*.deb) (docs/install.md)"
