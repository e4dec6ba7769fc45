#!/usr/bin/env bash
# Packages the plugin and runs Grafana's official validator (plugincheck2) on the zip. Fails
# on any error-level finding; warnings and recommendations are printed. See docs/validation.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v plugincheck2 >/dev/null; then
  echo "plugincheck2 is not installed: go install github.com/grafana/plugin-validator/pkg/cmd/plugincheck2@latest" >&2
  exit 2
fi
zip=$(bash scripts/package.sh | tail -1)
report=artifacts/plugincheck2.json
plugincheck2 -jsonOutput -sourceCodeUri "file://$(pwd)" "$zip" >"$report" || true
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const findings = Object.entries(r["plugin-validator"] ?? {}).flatMap(([a, list]) => list.map((f) => ({ a, ...f })));
for (const f of findings) console.log(`${f.Severity.padEnd(14)} ${f.a}: ${f.Title}`);
const errors = findings.filter((f) => f.Severity === "error");
console.log(`plugincheck2: ${findings.length} findings, ${errors.length} at error level`);
process.exit(errors.length ? 1 : 0);
' "$report"
