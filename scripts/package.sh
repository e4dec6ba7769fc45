#!/usr/bin/env bash
# Builds the frontend and the linux/amd64 backend and zips dist/ the way Grafana installs a
# plugin: one top-level folder named after the plugin id. Prints the zip's path.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
npm run build:backend >/dev/null
version=$(node -p "require('./package.json').version")
out=artifacts
rm -rf "$out" && mkdir -p "$out/rtc-sessioninspector-app"
cp -a dist/. "$out/rtc-sessioninspector-app/"
(cd "$out" && zip -qr "rtc-sessioninspector-app-$version.linux_amd64.zip" rtc-sessioninspector-app)
echo "$out/rtc-sessioninspector-app-$version.linux_amd64.zip"
