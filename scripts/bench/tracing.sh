#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# What exporting traces costs: three `strata serve` processes on SQLite, one with tracing off (the default), one
# exporting every trace (OTEL_TRACES_SAMPLER=always_on) and one a tenth of them (traceidratio 0.1), over OTLP/HTTP
# to a receiver that discards them; seeded alike and measured in alternation (off, all, tenth, off, …) with wrk
# at 64 connections, so that all see the same machine. Prints each one's medians and its ratio to off.
#
# Usage: scripts/bench/tracing.sh STRATA_BINARY
# STRATA_BENCH_HTTP_SECONDS sets each wrk run's length (default 10), STRATA_BENCH_RUNS the runs (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."

STRATA="$1"
SECONDS_PER_RUN="${STRATA_BENCH_HTTP_SECONDS:-10}"
RUNS="${STRATA_BENCH_RUNS:-5}"
CONNECTIONS=64


WORK="$(mktemp -d)"
SERVER_PID=""
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

source scripts/bench/http-common.sh
ensure_wrk

python3 scripts/trace/otlp_receiver.py --discard >"$WORK/receiver.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q listening "$WORK/receiver.out" && break; sleep 0.1; done
COLLECTOR="$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/receiver.out")"

# Three servers, each seeded with its own 1,000 orders; the wrk scripts of each are kept in a folder of its own.
MODES=(off all tenth)
declare -A URL
for mode in "${MODES[@]}"; do
    case "$mode" in
        off) start_server "$STRATA" serve --port 0 --store "sqlite:$WORK/$mode/events.sqlite" --log-level warning ;;
        all) start_server env OTEL_TRACES_SAMPLER=always_on "$STRATA" serve --port 0 --store "sqlite:$WORK/$mode/events.sqlite" \
            --log-level warning --otel-endpoint "$COLLECTOR" ;;
        tenth) start_server env OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.1 "$STRATA" serve --port 0 \
            --store "sqlite:$WORK/$mode/events.sqlite" --log-level warning --otel-endpoint "$COLLECTOR" ;;
    esac
    PIDS+=("$SERVER_PID")
    SERVER_PID=""
    seed_shop
    mkdir -p "$WORK/scripts-$mode"
    mv "$WORK"/*.lua "$WORK/scripts-$mode/"
    URL[$mode]="$BASE"
done

echo "Tracing off, every trace exported (all), a tenth exported (tenth): wrk, 2 threads, $CONNECTIONS connections,"
echo "${SECONDS_PER_RUN}s per run, $RUNS runs each, alternating; medians, and each median's ratio to off"
printf "%-32s %10s %10s %10s %9s %9s %9s\n" "workload" "median/s" "min/s" "max/s" "p50 ms" "p99 ms" "vs off"
for workload in commands queries; do
    for mode in "${MODES[@]}"; do : >"$WORK/$mode.lines"; done
    for _ in $(seq 1 "$RUNS"); do
        for mode in "${MODES[@]}"; do run_wrk "$WORK/scripts-$mode/$workload.lua" "${URL[$mode]}" >>"$WORK/$mode.lines"; done
    done
    off=""
    for mode in "${MODES[@]}"; do
        line="$(sort -n -k1 "$WORK/$mode.lines" | awk -v runs="$RUNS" '
            { rps[NR] = $1; p50[NR] = $2; p99[NR] = $3 }
            END { m = int((runs + 1) / 2); printf "%.0f %.0f %.0f %s %s", rps[m], rps[1], rps[runs], p50[m], p99[m] }')"
        median="${line%% *}"
        [ -z "$off" ] && off="$median"
        printf "%-32s %10s %10s %10s %9s %9s %9.2f\n" "$workload, tracing $mode" $line "$(awk -v a="$median" -v b="$off" 'BEGIN {print a / b}')"
    done
done
