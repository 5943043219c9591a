#!/usr/bin/env bash
# Runs CovidEntry locally: installs what is missing where it can, builds, and starts the app.
# With no ConnectionStrings__Default the app creates and starts its own private PostgreSQL
# cluster under $COVIDENTRY_DATA_DIR (default ~/.local/share/covidentry) and stops it on exit.
#
#   ./run.sh                               start on a free loopback port
#   ./run.sh --urls http://127.0.0.1:5080  start on a chosen address
#   ./run.sh migrate                       apply migrations and seeds, then exit
#   ./run.sh import-ctp FILE.csv           import a states history file in CTP's format
#   ./run.sh audit-verify                  check the audit trail's hash chain (exit 1 names the first broken event)
#   ./run.sh verify-snapshot FOLDER [--public-key FILE]
#                                          check a downloaded snapshot offline: its signature and every file
#                                          (no database, no cluster; exit 1 names each problem)
set -euo pipefail
invoked_from=$(pwd)
cd "$(dirname "$0")"
root=$(pwd)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run.sh: the .NET 10 SDK is needed (https://dotnet.microsoft.com/download); install it and run again." >&2
  exit 1
fi

have_postgres() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || [ -n "${COVIDENTRY_PG_BIN:-}" ]
}
# verify-snapshot works on a downloaded folder alone: it needs no database, no cluster and no capture user.
offline=false
[ "${1:-}" = verify-snapshot ] && offline=true

if [ "$offline" = false ] && [ -z "${ConnectionStrings__Default:-}" ] && ! have_postgres; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing the PostgreSQL server (apt-get install postgresql)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "run.sh: PostgreSQL server binaries are missing. Install PostgreSQL 15+ (Debian: sudo apt-get install postgresql)," >&2
    echo "        or set ConnectionStrings__Default to an existing database." >&2
    exit 1
  fi
fi

# Captures run Chromium sandboxed, and Chromium's sandbox does not start as root: as root, the app
# hands Chromium to this unprivileged user (Screenshots__ChromiumUser).
if [ "$offline" = false ] && [ "$(id -u)" = 0 ] && ! id -u "${Screenshots__ChromiumUser:-covidentry-capture}" >/dev/null 2>&1; then
  echo "run.sh: creating the unprivileged user ${Screenshots__ChromiumUser:-covidentry-capture} that captures run Chromium as..."
  useradd --system --no-create-home --shell /usr/sbin/nologin "${Screenshots__ChromiumUser:-covidentry-capture}"
fi

urls="http://127.0.0.1:0"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --urls) urls="$2"; shift 2 ;;
    --urls=*) urls="${1#--urls=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

# The app runs from its build folder: make file and folder arguments absolute while we know where we are.
absolute() {
  case "$1" in
    /*) printf '%s' "$1" ;;
    *) printf '%s' "$invoked_from/$1" ;;
  esac
}
if [ "${args[0]:-}" = import-ctp ] && [ -n "${args[1]:-}" ]; then
  args[1]=$(absolute "${args[1]}")
fi
if [ "${args[0]:-}" = verify-snapshot ]; then
  for ((i = 1; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      --public-key) if ((i + 1 < ${#args[@]})); then i=$((i + 1)); args[i]=$(absolute "${args[i]}"); fi ;;
      --public-key=*) args[i]="--public-key=$(absolute "${args[i]#--public-key=}")" ;;
      -*) ;;
      *) args[i]=$(absolute "${args[i]}") ;;
    esac
  done
fi

if [ "$offline" = false ]; then
  export COVIDENTRY_DATA_DIR="${COVIDENTRY_DATA_DIR:-$HOME/.local/share/covidentry}"
  mkdir -p "$COVIDENTRY_DATA_DIR"
  export COVIDENTRY_DATA_DIR="$(cd "$COVIDENTRY_DATA_DIR" && pwd)"
fi

echo "run.sh: building..."
dotnet build "$root/CovidEntry.App/CovidEntry.App.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

cd "$root/CovidEntry.App/bin/Release/net10.0"
# A 64 MB first generation: the GC runs a tenth as often, and a publish is rarely paused by one
# (docs/decisions/016). The runtime reads it from the environment only.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"

if [ "$offline" = true ]; then
  exec dotnet CovidEntry.App.dll "${args[@]}"
fi

# An admin verb (migrate, import-ctp, audit-verify) must come first; the host's settings follow it.
exec dotnet CovidEntry.App.dll "${args[@]}" --urls "$urls"
