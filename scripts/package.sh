#!/usr/bin/env bash
# Builds the frontend and the backend for five platforms (Magefile.go `release`: the SDK's build
# targets, stripped, with go_plugin_build_manifest) and zips dist/ the way Grafana installs a
# plugin: one top-level folder named after the plugin id. Prints the zip's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
npm run build >/dev/null
echo "frontend built in $((SECONDS - start)) s" >&2
start=$SECONDS
rm -f dist/datasource/gpx_sessiontelemetry_* dist/go_plugin_build_manifest
go run github.com/magefile/mage release >&2
echo "backend built for 5 platforms in $((SECONDS - start)) s" >&2
version=$(node -p "require('./package.json').version")
out=artifacts
zip="rtc-sessioninspector-app-$version.zip"
rm -rf "$out" && mkdir -p "$out/rtc-sessioninspector-app"
cp -a dist/. "$out/rtc-sessioninspector-app/"
(cd "$out" && zip -qr "$zip" rtc-sessioninspector-app)
echo "$zip: $(du -k "$out/$zip" | cut -f1) KiB" >&2
echo "$out/$zip"
