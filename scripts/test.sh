#!/usr/bin/env bash
# `./worcr test`: installs what the suite needs when missing, builds once, runs every test project, and
# ends with one summary line "N passed, N failed, N skipped".
# `./worcr test unit`: only the tier with no I/O (tests/unit.slnf, minus tests marked Tier=integration); it needs
# no servers, and WORCR_TEST_TIER=unit makes the fixture refuse to start PostgreSQL or Redis (docs/testing.md).
# Any further arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/needs.sh"

# The servers, browsers and runtimes the integration tiers use, installed when missing.
install_needs() {
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
}

tests=Worcr.sln
filter=()
if [ "${1:-}" = unit ]; then
  shift
  tests=tests/unit.slnf
  filter=(--filter "Tier!=integration")
  export WORCR_TEST_TIER=unit
else
  install_needs
fi

dotnet build "$tests" -c Release -nologo -clp:ErrorsOnly -v:q
log="$(mktemp)"
status=0
# A test that runs past --blame-hang-timeout is named in the output and its test host is stopped, so a hang
# fails the run in minutes with the culprit's name instead of eating CI's whole time budget.
dotnet test "$tests" -c Release --no-build -nologo --blame-hang-timeout 5min --blame-hang-dump-type none ${filter[@]+"${filter[@]}"} "$@" 2>&1 | tee "$log" || status=$?
# dotnet test prints one "Failed: a, Passed: b, Skipped: c, Total: d" line per test project; add them up.
# The whole suite also builds the node as the Docker image ships it (Native AOT) and runs it once: one more test.
if [ "$tests" = Worcr.sln ] && [ $# -eq 0 ]; then
  native="$("$root/scripts/native-smoke.sh")" || true
  if [ "$native" = "native: passed" ]; then
    echo "Failed: 0, Passed: 1, Skipped: 0 (native build)" >>"$log"
  else
    echo "Failed: 1, Passed: 0, Skipped: 0 (native build)" >>"$log"
    status=1
  fi
fi
summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" \
  | awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
rm -f "$log"
echo "${summary:-0 passed, 0 failed, 0 skipped}"
exit $status
