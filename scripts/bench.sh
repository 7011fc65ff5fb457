#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Strata's benchmarks, from a fresh clone: a release build of strata-bench, then the SQLite suite and the
# PostgreSQL suite against a throwaway PostgreSQL 15 server that this script starts and stops itself. Each
# figure comes with the bare driver's figure for the same work, measured in the same run. Not part of CI or of
# the tests: the figures depend on the machine and on what else it is doing.
#
# STRATA_BENCH_RUNS sets the runs per workload (default 5; medians are reported). STRATA_BENCH_POSTGRES_URL
# names an existing server to measure instead of the throwaway one.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> swift build -c release --product strata-bench"
swift build -c release --product strata-bench
BENCH="$(swift build -c release --show-bin-path)/strata-bench"

RUNS="${STRATA_BENCH_RUNS:-5}"

echo "==> machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> SQLite"
"$BENCH" append --runs "$RUNS"
"$BENCH" projections --backend sqlite --runs "$RUNS"
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
    exit 0
fi
echo "==> PostgreSQL"
"$BENCH" postgres --store "$url" --runs "$RUNS"
"$BENCH" projections --backend postgres --store "$url" --runs "$RUNS"
"$BENCH" aggregates --backend postgres --store "$url" --runs "$RUNS"
