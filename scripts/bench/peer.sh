#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# The peer comparison: the same workloads as `strata-bench workloads` and `strata-bench projections`, run with
# Python's `eventsourcing` 9.5.6 (installed from PyPI into a throwaway virtual environment) on SQLite files and
# on a throwaway PostgreSQL 15 server started as for the tests. Run it right after scripts/bench.sh, or
# interleaved with it, and compare figures taken in the same disk state only.
#
# STRATA_BENCH_RUNS sets the runs (default 5); STRATA_BENCH_POSTGRES_URL names an existing server instead.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$VENV")"' EXIT
echo "==> installing eventsourcing 9.5.6 into $VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "eventsourcing[postgres]==9.5.6"

if [ -n "${STRATA_BENCH_POSTGRES_URL:-}" ]; then
    url="$STRATA_BENCH_POSTGRES_URL"
else
    source scripts/throwaway-postgres.sh
    start_throwaway_postgres
    url="${STRATA_TEST_POSTGRES_URL:-}"
fi

echo "==> machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
backend=all
if [ -z "$url" ]; then
    echo "warning: no PostgreSQL server: only the SQLite suite runs" >&2
    backend=sqlite
fi
"$VENV/bin/python" scripts/bench/peer.py --backend "$backend" ${url:+--postgres "$url"} --runs "${STRATA_BENCH_RUNS:-5}" "$@"
