#!/usr/bin/env bash
# `./worcr test`: installs what the suite needs when missing, builds once, runs every test project, and
# ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/needs.sh"

need 'command -v redis-server' redis-server
# The Cluster tests build their cluster with redis-cli.
need 'command -v redis-cli' redis-tools
need 'test -x /usr/lib/postgresql/15/bin/postgres' postgresql-15
need 'command -v node' nodejs
need 'command -v npm' npm
need 'test -x /usr/bin/chromium' chromium
# The Python example worker (grpcio, the C-core gRPC stack) runs on Debian's Python and packages.
need '/usr/bin/python3 -c "import grpc"' python3-grpcio
need '/usr/bin/python3 -c "import google.protobuf"' python3-protobuf
need '/usr/bin/python3 -c "import grpc_tools.protoc"' python3-grpc-tools
for dir in tests/interop/grpc-js examples/node-worker tests/gui; do
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
    echo "worcr test: npm install in $dir" >&2
    (cd "$dir" && { [ -f package-lock.json ] && npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; }) >&2
  fi
done

dotnet build Worcr.sln -c Release -nologo -clp:ErrorsOnly -v:q
log="$(mktemp)"
status=0
# A test that runs past --blame-hang-timeout is named in the output and its test host is stopped, so a hang
# fails the run in minutes with the culprit's name instead of eating CI's whole time budget.
dotnet test Worcr.sln -c Release --no-build -nologo --blame-hang-timeout 5min --blame-hang-dump-type none "$@" 2>&1 | tee "$log" || status=$?
# dotnet test prints one "Failed: a, Passed: b, Skipped: c, Total: d" line per test project; add them up.
summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" \
  | awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
rm -f "$log"
echo "${summary:-0 passed, 0 failed, 0 skipped}"
exit $status
