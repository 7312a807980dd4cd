#!/usr/bin/env bash
# Browser tests of the dashboard: a real `detente serve` on 127.0.0.1 with the
# shared GDELT 2.0 exports ingested, driven in headless Chromium by Playwright.
# Installs what it needs: Debian's chromium (apt) and playwright-core (npm ci,
# pinned by package-lock.json). Screenshots go to $ARTIFACTS
# (default: target/browser-artifacts under the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
data="$repo/../shared/data/gdelt/v2/events"
export ARTIFACTS="${ARTIFACTS:-$repo/target/browser-artifacts}"
mkdir -p "$ARTIFACTS"

if ! command -v chromium >/dev/null; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "== installing Debian's chromium"
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium >/dev/null
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"

echo "== npm ci (playwright-core)"
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

bin="${DETENTE_BIN:-}"
if [ -z "$bin" ]; then
    (cd "$repo" && cargo build --locked -p detente-cli)
    bin="${CARGO_TARGET_DIR:-$repo/target}/debug/detente"
fi

store="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" --store "$store" ingest "$data" --quiet >/dev/null || [ $? -eq 4 ]
"$bin" --store "$store" serve --addr "127.0.0.1:$port" 2>"$ARTIFACTS/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$store"' EXIT
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/api/v1/status" >/dev/null && break
    sleep 0.1
done
echo "== browser tests against http://127.0.0.1:$port"
node "$here/test.mjs" "http://127.0.0.1:$port"
