#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Several writers on one PostgreSQL, with the database across a network: 1, 2 and 4 `strata serve` processes on
# one database, each driven by a wrk of its own (64 connections in all, split evenly), sending commands (add a
# line to one of 1,000 orders), plain and with an Idempotency-Key each (a keyed command records its outcome in the
# transaction of its append). The round trip between the services and PostgreSQL goes direct, or through
# `strata-bench delay-proxy`, which adds 0, 0.5 or 2 ms to it (half each way), as a network between application
# servers and a database would. Prints commands/s (the sum over the processes) and the p99 (the worst process's).
#
# Usage: scripts/bench/writers.sh STRATA_BINARY BENCH_BINARY POSTGRES_URL
# STRATA_BENCH_HTTP_SECONDS sets each wrk run's length (default 10), STRATA_BENCH_RUNS the runs (default 3),
# STRATA_BENCH_DELAYS the added round trips in ms (default "direct 0 0.5 2"), STRATA_BENCH_PROCESSES the process
# counts (default "1 2 4"), STRATA_BENCH_KINDS the commands (default "plain keyed"), and STRATA_BENCH_SERVE_ARGS
# options for every `serve` (such as "--cached-aggregates 0").
set -euo pipefail
cd "$(dirname "$0")/../.."

STRATA="$1"
BENCH="$2"
POSTGRES_URL="$3"
SECONDS_PER_RUN="${STRATA_BENCH_HTTP_SECONDS:-10}"
RUNS="${STRATA_BENCH_RUNS:-3}"
DELAYS="${STRATA_BENCH_DELAYS:-direct 0 0.5 2}"
PROCESSES="${STRATA_BENCH_PROCESSES:-1 2 4}"
KINDS="${STRATA_BENCH_KINDS:-plain keyed}"
read -r -a SERVE_ARGS <<<"${STRATA_BENCH_SERVE_ARGS:-}"
CONNECTIONS=64

WORK="$(mktemp -d)"
SERVER_PID=""
SERVER_PIDS=()
PROXY_PID=""
cleanup() {
    for pid in "${SERVER_PIDS[@]}" $SERVER_PID $PROXY_PID; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

source scripts/bench/http-common.sh
ensure_wrk

# Starts the proxy in front of the server of POSTGRES_URL and sets PROXIED_URL to the same URL through it.
start_proxy() {
    local delay="$1" hostport port
    hostport="$(echo "$POSTGRES_URL" | sed -E 's#^postgres(ql)?://([^@/]*@)?([^/?]*).*#\3#')"
    "$BENCH" delay-proxy --target "$hostport" --delay-ms "$delay" >"$WORK/proxy.out" 2>"$WORK/proxy.err" &
    PROXY_PID=$!
    for _ in $(seq 1 100); do
        port="$(grep -o '[0-9]*$' "$WORK/proxy.out" || true)"
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { cat "$WORK/proxy.err" >&2; exit 1; }
    PROXIED_URL="$(echo "$POSTGRES_URL" | sed -E "s#^(postgres(ql)?://([^@/]*@)?)[^/?]*#\\1127.0.0.1:$port#")"
}

stop_proxy() {
    kill "$PROXY_PID" 2>/dev/null || true
    wait "$PROXY_PID" 2>/dev/null || true
    PROXY_PID=""
}

# The commands of commands.lua, each with an Idempotency-Key of its own.
write_keyed_script() {
    sed -e 's/^request = function()$/counter = 0\nrequest = function()\n    counter = counter + 1/' \
        -e 's/{\["Content-Type"\] = "application\/json"}/{["Content-Type"] = "application\/json", ["Idempotency-Key"] = "k-" .. math.random(1000000000) .. "-" .. counter}/' \
        "$WORK/commands.lua" >"$WORK/keyed.lua"
    grep -q Idempotency-Key "$WORK/keyed.lua" || { echo "could not make the keyed commands' script" >&2; exit 1; }
}

# One run of every process's wrk at once; prints "total-requests/s worst-p99-ms non-2xx".
run_writers() {
    local count="$1" script="$2" connections=$(($CONNECTIONS / $1)) index drivers=()
    for index in $(seq 0 $((count - 1))); do
        wrk -t1 -c"$connections" -d"${SECONDS_PER_RUN}s" --latency -s "$script" "${BASES[$index]}" >"$WORK/wrk-$index.out" &
        drivers+=($!)
    done
    wait "${drivers[@]}"
    local total=0 worst=0 errors=0 rps p99 failed
    for index in $(seq 0 $((count - 1))); do
        rps="$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-$index.out")"
        p99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$index.out")")"
        failed="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk-$index.out")"
        total="$(awk -v a="$total" -v b="${rps:-0}" 'BEGIN {printf "%.0f", a + b}')"
        worst="$(awk -v a="$worst" -v b="$p99" 'BEGIN {print (b + 0 > a + 0) ? b : a}')"
        errors=$((errors + ${failed:-0}))
    done
    echo "$total $worst $errors"
}

echo "Several writers on one PostgreSQL: wrk, $CONNECTIONS connections in all, ${SECONDS_PER_RUN}s per run, $RUNS runs; medians"
printf "%-12s %9s %-8s %12s %10s %10s %9s %8s\n" "round trip" "processes" "commands" "commands/s" "min/s" "max/s" "p99 ms" "non-2xx"
for delay in $DELAYS; do
    if [ "$delay" = direct ]; then
        url="$POSTGRES_URL"
        label="direct"
    else
        start_proxy "$delay"
        url="$PROXIED_URL"
        label="+$delay ms"
    fi
    for count in $PROCESSES; do
        schema="bench_writers_$RANDOM$RANDOM"
        SERVER_PIDS=()
        BASES=()
        for _ in $(seq 1 "$count"); do
            start_server "$STRATA" serve --port 0 --store "$url&schema=$schema" --log-level warning "${SERVE_ARGS[@]}"
            SERVER_PIDS+=("$SERVER_PID")
            BASES+=("$BASE")
        done
        SERVER_PID=""
        BASE="${BASES[0]}"
        seed_shop
        write_keyed_script
        for kind in $KINDS; do
            script="$WORK/commands.lua"
            [ "$kind" = keyed ] && script="$WORK/keyed.lua"
            lines=()
            for _ in $(seq 1 "$RUNS"); do lines+=("$(run_writers "$count" "$script")"); done
            printf '%s\n' "${lines[@]}" | sort -n -k1 | awk -v label="$label" -v count="$count" -v kind="$kind" -v runs="$RUNS" '
                { rps[NR] = $1; p99[NR] = $2; errors += $3 }
                END {
                    m = int((runs + 1) / 2)
                    printf "%-12s %9d %-8s %12.0f %10.0f %10.0f %9s %8d\n", label, count, kind, rps[m], rps[1], rps[runs], p99[m], errors
                }'
        done
        for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid"; done
        for pid in "${SERVER_PIDS[@]}"; do wait "$pid" || true; done
        SERVER_PIDS=()
        psql -q "$POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; DROP SCHEMA IF EXISTS ${schema}_read CASCADE" >/dev/null 2>&1 || true
    done
    [ "$delay" = direct ] || stop_proxy
done
