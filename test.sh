#!/usr/bin/env bash
# Runs every CovidEntry test suite: domain, integration (real PostgreSQL), component (bUnit) and
# browser (Playwright driving Chromium). Installs what is missing where it can, then ends with
# one line over all suites: "N passed, N failed, N skipped".
#
# The tests start their own throwaway PostgreSQL clusters (the app's own launcher) in temp
# folders and remove them; nothing needs to be running beforehand.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

say() { echo "test.sh: $*"; }

# ./test.sh --fast: the domain and component tests only (no browser, no app process; the component
# tests that read the database still get a throwaway cluster), for a loop of well under a minute.
# ./test.sh --load N: the same suites while N busy loops compete for the CPU (as on a shared CI
# machine; N=13 on two cores gives a load average near 15), to prove nothing depends on speed.
fast=false
load=0
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=true; shift ;;
    --load) load="${2:?--load needs a number of busy loops}"; shift 2 ;;
    *) break ;;
  esac
done
case "$load" in ''|*[!0-9]*) say "--load takes a number of busy loops, not \"$load\"." >&2; exit 2 ;; esac

if ! command -v dotnet >/dev/null 2>&1; then
  say "the .NET 10 SDK is needed (https://dotnet.microsoft.com/download); install it and run again." >&2
  exit 1
fi

as_root=false
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && as_root=true
apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    apt-get update -qq >/dev/null
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL server binaries: the tests make private clusters with initdb and pg_ctl.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 && [ -z "${COVIDENTRY_PG_BIN:-}" ]; then
  if [ "$as_root" = true ]; then
    say "installing the PostgreSQL server (apt-get install postgresql)..."
    apt_install postgresql
  else
    say "PostgreSQL server binaries are missing: install PostgreSQL 15+ (Debian: sudo apt-get install postgresql)." >&2
  fi
fi

# Chromium for the browser tests (Playwright drives the machine's Chromium; it never downloads one).
if [ "$fast" = false ] && ! command -v chromium >/dev/null 2>&1 && [ -z "${COVIDENTRY_CHROMIUM:-}" ]; then
  if [ "$as_root" = true ]; then
    say "installing Chromium for the browser tests (apt-get install chromium)..."
    apt_install chromium
  else
    say "Chromium is missing, so the browser tests will fail: install it (Debian: sudo apt-get install chromium)." >&2
  fi
fi

# nginx for the scale-out test (two app instances behind it); the test starts its own nginx on a
# free loopback port with a config in a temp folder, so the system service is not used.
if [ "$fast" = false ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ -z "${COVIDENTRY_NGINX:-}" ]; then
  if [ "$as_root" = true ]; then
    say "installing nginx for the scale-out test (apt-get install nginx)..."
    apt_install nginx
  else
    say "nginx is missing, so the scale-out test will fail: install it (Debian: sudo apt-get install nginx)." >&2
  fi
fi

# The capture service runs Chromium sandboxed, which Chromium refuses as root: as root, the app
# hands Chromium to an unprivileged user, created here when missing.
if [ "$(id -u)" = 0 ] && ! id -u covidentry-capture >/dev/null 2>&1; then
  say "creating the unprivileged user covidentry-capture that captures run Chromium as..."
  useradd --system --no-create-home --shell /usr/sbin/nologin covidentry-capture
fi

results=$(mktemp -d "${TMPDIR:-/tmp}/covidentry-test-results.XXXXXX")
busy=()
cleanup() {
  [ ${#busy[@]} -gt 0 ] && kill "${busy[@]}" 2>/dev/null
  rm -rf "$results"
  # A test process that was killed cannot stop its cluster; stop and remove what it left. While
  # any test host still runs (another run on this machine), its clusters are left alone.
  owner_alive=false
  for proc in /proc/[0-9]*; do
    [ -r "$proc/cmdline" ] || continue
    if tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -q "testhost\|vstest"; then owner_alive=true; break; fi
  done
  [ "$owner_alive" = true ] && return
  for dir in "${TMPDIR:-/tmp}"/covidentry-tests-*; do
    [ -d "$dir" ] || continue
    if [ -f "$dir/pg/postmaster.pid" ]; then
      kill "$(head -1 "$dir/pg/postmaster.pid")" 2>/dev/null
    fi
    rm -rf "$dir" 2>/dev/null
  done
}
trap cleanup EXIT

if [ "$load" -gt 0 ]; then
  say "starting $load busy loops to load the machine while the tests run..."
  for _ in $(seq "$load"); do
    ( while :; do :; done ) &
    busy+=($!)
  done
fi

filter="Category!=Benchmark"
if [ "$fast" = true ]; then
  say "building and running the domain and component tests (--fast)..."
  filter="(FullyQualifiedName~CovidEntry.Tests.Domain.|FullyQualifiedName~CovidEntry.Tests.Features.)&$filter"
else
  say "building and running every suite..."
fi

# Benchmarks are opt-in (minutes long; see docs/benchmarks.md): every other suite runs.
# A test that hangs is stopped after five minutes (the longest takes well under one) and named
# in the output, instead of holding CI until its own limit.
dotnet test "$root/CovidEntry.sln" -nologo \
  --filter "$filter" \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  --logger "trx" --results-directory "$results" \
  "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}

# Sum the counters of every test assembly's TRX report.
passed=0; failed=0; skipped=0; reports=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  reports=$((reports + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$reports" = 0 ] || { [ "$status" != 0 ] && [ "$failed" = 0 ]; }; then
  # The build failed or the test host crashed before reporting: count that as a failure.
  failed=$((failed + 1))
  [ "$status" = 0 ] && status=1
fi

# Name every failed test (and the first lines of its message) just above the summary, so the
# tail of a CI log says what failed without scrolling through the server logs above it.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  python3 - "$trx" <<'PY' 2>/dev/null || grep -o 'testName="[^"]*" [^>]*outcome="Failed"' "$trx" | sed 's/^testName="\([^"]*\)".*/FAILED: \1/'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for result in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if result.get("outcome") != "Failed":
        continue
    print("FAILED: " + result.get("testName", "?"))
    message = result.find(".//t:ErrorInfo/t:Message", ns)
    if message is not None and message.text:
        for line in message.text.strip().splitlines()[:6]:
            print("    " + line)
PY
done

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
