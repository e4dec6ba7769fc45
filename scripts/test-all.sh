#!/usr/bin/env bash
# Runs every test of the project, step by step, and closes with one summary line counting the
# tests of every runner: "Summary: N passed, N failed, N skipped". Exits non-zero if any step
# fails. The PostgreSQL run of the collector suite needs TEST_DATABASE_URL (`.ci/run` starts a
# throwaway PostgreSQL 15 and sets it; locally: TEST_DATABASE_URL=$(bash .ci/start-postgres.sh)).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$(go env GOPATH)/bin"
logs=${TEST_LOG_DIR:-test-results/logs}
mkdir -p "$logs"

# A step that hangs fails on its own after this long (its whole process group is stopped), so
# the other steps still report; the slowest step takes about 7 minutes on two cores.
step_limit=${STEP_TIMEOUT_S:-1200}

passed=0 failed=0 skipped=0
declare -a report=()

count() { # count <log> <kind>: adds the runner's own counts to the totals
  local log=$1 kind=$2 p=0 f=0 s=0
  case $kind in
    node)
      p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
      f=$(grep -E '^# (fail|cancelled) [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
      s=$(grep -E '^# (skipped|todo) [0-9]+' "$log" | awk '{s+=$3} END {print s+0}') ;;
    jest)
      line=$(grep -E '^Tests: ' "$log" | tail -1)
      p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line"); f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
      s=$(sed -nE 's/.* ([0-9]+) (skipped|todo).*/\1/p' <<<"$line") ;;
    playwright)
      p=$(grep -oE '^\s+[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
      f=$(grep -oE '^\s+[0-9]+ (failed|flaky|interrupted)' "$log" | awk '{s+=$1} END {print s+0}')
      s=$(grep -oE '^\s+[0-9]+ (skipped|did not run)' "$log" | awk '{s+=$1} END {print s+0}') ;;
    go)
      p=$(grep -cE '^\s*--- PASS' "$log"); f=$(grep -cE '^\s*--- FAIL' "$log"); s=$(grep -cE '^\s*--- SKIP' "$log") ;;
  esac
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
  last_failed=${f:-0}
  echo "${p:-0} passed, ${f:-0} failed, ${s:-0} skipped"
}

step() { # step <name> <kind: node|jest|go|playwright|check> <command...>
  local name=$1 kind=$2; shift 2
  local log="$logs/$name.log" start=$SECONDS rc
  echo "::: $name: $*"
  timeout --kill-after=30 "$step_limit" "$@" >"$log" 2>&1
  rc=$?
  if [ $rc -eq 124 ]; then
    echo "::: $name was stopped after its limit of $step_limit s (STEP_TIMEOUT_S)" >>"$log"
  fi
  local counts=""
  last_failed=0
  if [ "$kind" != check ]; then
    count "$log" "$kind" >"$log.counts"
    counts=" ($(cat "$log.counts"))"
  fi
  if [ $rc -ne 0 ]; then
    # a runner that died before reporting a failed test still fails the run
    [ "$last_failed" -eq 0 ] && failed=$((failed + 1))
    tail -n 60 "$log"
    report+=("FAIL  $name$counts, $((SECONDS - start)) s, log: $log")
  else
    report+=("ok    $name$counts, $((SECONDS - start)) s")
  fi
  echo "${report[-1]}"
}

step typecheck check npm run typecheck
step lint check npm run lint
step jest jest npm run test:ci
step go-vet check go vet ./...
# The package step builds the frontend and the five backend executables; the Go tests check the
# zip and run its linux/amd64 executable (SI_PACKAGE_ZIP).
step package check npm run package
zip=$(tail -n 1 "$logs/package.log")
[ -f "$zip" ] && export SI_PACKAGE_ZIP="$PWD/$zip"
step go-test go go test -count=1 -v ./...
step compose go bash -c 'cd tests/compose && go test -count=1 -v ./...'
step collector-pglite node npm run test -w collector
step sdk node npm run test -w sdk
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  step collector-postgres node npm run test:pg -w collector
else
  failed=$((failed + 1))
  report+=("FAIL  collector-postgres: TEST_DATABASE_URL is not set (TEST_DATABASE_URL=\$(bash .ci/start-postgres.sh))")
fi
step readme node node --import tsx --test tests/readme/quickstart.test.ts
step browser playwright npm run test:browser
if command -v plugincheck2 >/dev/null; then
  step package-validate check npm run validate
else
  report+=("NOT RUN  package-validate: plugincheck2 is not installed (see docs/validation.md); not counted as a pass")
fi

echo
echo "::: steps"
printf '%s\n' "${report[@]}"
echo
echo "Summary: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && ! printf '%s\n' "${report[@]}" | grep -q '^FAIL'
