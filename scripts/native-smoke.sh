#!/usr/bin/env bash
# The node as the Docker image ships it: published as Native AOT, then run once. `worcr bench rules` runs Lua and
# JavaScript rules in process; `worcr bench startup` starts PostgreSQL and Redis, migrates, starts the native
# `worcr serve` and waits until /healthz and grpc.health.v1 answer. What the JIT-compiled tests cannot see (code
# trimmed away, reflection the compiler could not follow) fails here. Prints "native: passed" or what failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/needs.sh"
# Native AOT links with the system's C toolchain (clang, else gcc) and needs zlib's headers.
need 'command -v clang || command -v gcc' clang
need 'test -f /usr/include/zlib.h' zlib1g-dev

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "native: publishing src/Worcr.Cli as Native AOT..." >&2
dotnet publish "$root/src/Worcr.Cli/Worcr.Cli.csproj" -c Release --use-current-runtime -p:PublishAot=true -o "$out" \
  -nologo -clp:ErrorsOnly -v:q >&2

fail() { echo "native: FAILED: $1" >&2; echo "native: failed"; exit 1; }
# A figure of the run's JSON line, or nothing.
figure() { grep '"run":1' <<<"$1" | grep -o "\"$2\":[0-9.]*" | cut -d: -f2; }

rules="$("$out/worcr" bench rules --seconds 1 2>&1)" || fail "worcr bench rules exited with an error: $rules"
for name in lua_calls_per_s js_calls_per_s decisions_per_s_uncached; do
  value="$(figure "$rules" "$name")"
  awk -v v="${value:-0}" 'BEGIN { exit !(v > 0) }' || fail "worcr bench rules gave no $name: $rules"
done

startup="$(cd "$out" && "$out/worcr" bench startup --runs 1 2>&1)" || fail "worcr bench startup exited with an error: $startup"
[ -n "$(figure "$startup" serving_ms)" ] || fail "the native node never answered its health checks: $startup"
echo "native: rules $(figure "$rules" lua_calls_per_s) Lua / $(figure "$rules" js_calls_per_s) JS calls/s, serving in $(figure "$startup" serving_ms) ms" >&2
echo "native: passed"
