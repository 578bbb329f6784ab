#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, and serves the bundled demo system on :9971.
# Then: curl localhost:9971/metrics   (Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
bash scripts/build.sh
root=$(mktemp -d /tmp/nixos-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
bash resources/demo/make-demo-root.sh "$root"
echo "try: curl localhost:9971/metrics   curl localhost:9971/status"
build/app/nixos-exporter --root "$root" --collector.flake "$@"
