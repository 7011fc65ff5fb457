#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# The HTTP workload: `strata serve` on SQLite (and on PostgreSQL when a URL is given) driven by wrk at 64
# connections, next to a Hummingbird server with no database (`strata-bench http-baseline`) in the same run.
#
# Usage: scripts/bench/http.sh STRATA_BINARY BENCH_BINARY [POSTGRES_URL]
# STRATA_BENCH_HTTP_SECONDS sets each wrk run's length (default 10), STRATA_BENCH_RUNS the runs (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."

STRATA="$1"
BENCH="$2"
POSTGRES_URL="${3:-}"
SECONDS_PER_RUN="${STRATA_BENCH_HTTP_SECONDS:-10}"
RUNS="${STRATA_BENCH_RUNS:-5}"
CONNECTIONS=64


WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

source scripts/bench/http-common.sh
ensure_wrk

cat >"$WORK/baseline-post.lua" <<'LUA'
request = function()
    return wrk.format("POST", "/ping", {["Content-Type"] = "application/json"}, '{"sku":"s","quantity":1,"unitPriceCents":100}')
end
LUA

echo "HTTP: wrk, 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run, $RUNS runs; medians (p50, p99 and the server's CPU time per request of the median run)"
printf "%-44s %10s %10s %10s %9s %9s %8s %11s\n" "workload" "median/s" "min/s" "max/s" "p50 ms" "p99 ms" "non-2xx" "CPU µs/req"

start_server "$BENCH" http-baseline --port 0
measure "hummingbird baseline, POST (JSON in and out)" "$WORK/baseline-post.lua" "$BASE"
measure "hummingbird baseline, GET" /dev/null "$BASE/ping"
stop_server

start_server "$STRATA" serve --port 0 --store "sqlite:$WORK/sqlite/events.sqlite" --log-level warning
seed_shop
measure "strata serve, SQLite, commands (add a line)" "$WORK/commands.lua" "$BASE"
measure "strata serve, SQLite, queries (an order)" "$WORK/queries.lua" "$BASE"
measure "strata serve, SQLite, queries, a reached token" "$WORK/queries-token.lua" "$BASE"
measure "strata serve, SQLite, mixed, 90 % queries" "$WORK/mixed.lua" "$BASE"
measure "strata serve, SQLite, commands, all on one order" "$WORK/hot.lua" "$BASE"
stop_server

if [ -n "$POSTGRES_URL" ]; then
    schema="bench_http_$RANDOM$RANDOM"
    start_server "$STRATA" serve --port 0 --store "$POSTGRES_URL&schema=$schema" --log-level warning
    seed_shop
    measure "strata serve, PostgreSQL, commands (add a line)" "$WORK/commands.lua" "$BASE"
    measure "strata serve, PostgreSQL, queries (an order)" "$WORK/queries.lua" "$BASE"
    measure "strata serve, PostgreSQL, queries, a reached token" "$WORK/queries-token.lua" "$BASE"
    measure "strata serve, PostgreSQL, mixed, 90 % queries" "$WORK/mixed.lua" "$BASE"
    measure "strata serve, PostgreSQL, commands, all on one order" "$WORK/hot.lua" "$BASE"
    stop_server
    psql -q "$POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; DROP SCHEMA IF EXISTS ${schema}_read CASCADE" >/dev/null 2>&1 || true
fi
