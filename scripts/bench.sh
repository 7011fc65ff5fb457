#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Strata's benchmarks, from a fresh clone: release builds of strata-bench and strata, then the SQLite suite,
# the PostgreSQL suite against a throwaway PostgreSQL 15 server that this script starts and stops itself, and
# the HTTP suite (wrk against `strata serve`, then with tracing off and on). Each figure comes with the bare driver's figure for the same
# work, measured in the same run. Not part of CI or of the tests: the figures depend on the machine and on
# what else it is doing. scripts/bench/peer.sh runs the same workloads with the peer.
#
# STRATA_BENCH_RUNS sets the runs per workload (default 5; medians are reported). STRATA_BENCH_POSTGRES_URL
# names an existing server to measure instead of the throwaway one. STRATA_BENCH_MILLION=1 adds the 1M-event
# projection catch-up.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> swift build -c release --product strata-bench --product strata"
swift build -c release --product strata-bench
swift build -c release --product strata
BIN="$(swift build -c release --show-bin-path)"
BENCH="$BIN/strata-bench"

RUNS="${STRATA_BENCH_RUNS:-5}"

echo "==> machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> SQLite"
"$BENCH" workloads --backend sqlite --runs "$RUNS"
"$BENCH" projections --backend sqlite --runs "$RUNS"
if [ "${STRATA_BENCH_MILLION:-}" = 1 ]; then "$BENCH" projections --backend sqlite --events 1000000 --skip-raw --runs 1; fi
"$BENCH" append --runs "$RUNS"
"$BENCH" aggregates --backend sqlite --runs "$RUNS"

if [ -n "${STRATA_BENCH_POSTGRES_URL:-}" ]; then
    url="$STRATA_BENCH_POSTGRES_URL"
else
    source scripts/throwaway-postgres.sh
    start_throwaway_postgres
    url="${STRATA_TEST_POSTGRES_URL:-}"
fi
if [ -z "$url" ]; then
    echo "warning: no PostgreSQL server: the PostgreSQL suite is skipped" >&2
else
    echo "==> PostgreSQL"
    "$BENCH" workloads --backend postgres --store "$url" --runs "$RUNS"
    "$BENCH" projections --backend postgres --store "$url" --runs "$RUNS"
    if [ "${STRATA_BENCH_MILLION:-}" = 1 ]; then "$BENCH" projections --backend postgres --store "$url" --events 1000000 --skip-raw --runs 1; fi
    "$BENCH" postgres --store "$url" --runs "$RUNS"
    "$BENCH" aggregates --backend postgres --store "$url" --runs "$RUNS"
fi

echo "==> HTTP"
scripts/bench/http.sh "$BIN/strata" "$BENCH" "$url"

echo "==> HTTP, tracing off and on"
scripts/bench/tracing.sh "$BIN/strata"
