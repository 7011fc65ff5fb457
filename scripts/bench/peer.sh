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
#
# With `--with-strata PATH` (a release strata-bench), the one invocation alternates rounds of
# `strata-bench workloads --runs 1` and of the peer with the same sizes, and prints one table per backend with
# Strata, the bare driver and the peer side by side (medians over the rounds). Any other arguments go to both,
# among them --batch-accounts, --log-accounts and --command-accounts.
set -euo pipefail
cd "$(dirname "$0")/../.."

strata_bench=""
if [ "${1:-}" = "--with-strata" ]; then
    strata_bench="$(realpath "${2:?--with-strata needs the path of a strata-bench binary}")"
    shift 2
fi

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
if [ -z "$strata_bench" ]; then
    "$VENV/bin/python" scripts/bench/peer.py --backend "$backend" ${url:+--postgres "$url"} --runs "${STRATA_BENCH_RUNS:-5}" "$@"
    exit 0
fi

rounds="${STRATA_BENCH_RUNS:-5}"
work="$(dirname "$VENV")"
for round in $(seq 1 "$rounds"); do
    echo "==> round $round of $rounds: strata-bench"
    "$strata_bench" workloads --backend "$backend" ${url:+--store "$url"} --runs 1 --workers 1,4 --folder "$work/strata" "$@" \
        >>"$work/strata.txt"
    echo "==> round $round of $rounds: eventsourcing"
    "$VENV/bin/python" scripts/bench/peer.py --backend "$backend" ${url:+--postgres "$url"} --runs 1 --projection-runs 0 \
        --json "$work/peer-$round.json" "$@" >/dev/null
done
"$VENV/bin/python" scripts/bench/peer.py --report "$work"
