#!/usr/bin/env bash
# Refreshes vendor/ from the npm registry at the versions package-lock.json
# pins. The dashboard is served from files committed in vendor/, so neither
# building detente nor running it needs npm or a network.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund
rm -rf vendor && mkdir vendor
cp node_modules/echarts/dist/echarts.min.js vendor/
cp node_modules/topojson-client/dist/topojson-client.min.js vendor/
cp node_modules/world-atlas/countries-110m.json vendor/
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js vendor/
cp node_modules/swagger-ui-dist/swagger-ui.css vendor/
for p in echarts topojson-client world-atlas swagger-ui-dist; do
    v=$(node -p "require('./node_modules/$p/package.json').version")
    l=$(node -p "require('./node_modules/$p/package.json').license")
    echo "$p $v $l"
done > vendor/VERSIONS
(cd vendor && sha256sum -- *.js *.css *.json > SHA256SUMS)
rm -rf node_modules
