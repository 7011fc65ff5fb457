#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Soak test (not part of the test command): mixed command, query and live-event load against `strata serve`
# for a given time, with SIGKILLs of the service and, on PostgreSQL, immediate restarts of the database at random
# moments. At the end every acknowledged command must be in the log exactly once, the live stream must have
# seen every position once and in order, and the views must equal the log and a rebuild (scripts/soak/soak.py).
#
#   scripts/soak.sh [MINUTES] [sqlite|postgres|both]     # default: 10 minutes, both backends
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-10}"
backends="${2:-both}"
swift build --product strata
work="$(mktemp -d /tmp/strata-soak.XXXXXX)"
# A copy, so that a build during the soak cannot replace the binary it restarts.
cp .build/debug/strata "$work/strata"
strata="$work/strata"
status=0

if [ "$backends" = sqlite ] || [ "$backends" = both ]; then
    echo "==> soak on SQLite for $minutes minutes (log in $work/sqlite)"
    mkdir -p "$work/sqlite"
    python3 scripts/soak/soak.py --strata "$strata" --folder "$work/sqlite" --minutes "$minutes" -- \
        --store "sqlite:$work/sqlite/events.sqlite" || status=1
fi

if [ "$backends" = postgres ] || [ "$backends" = both ]; then
    source scripts/throwaway-postgres.sh
    start_throwaway_postgres
    echo "==> soak on PostgreSQL for $minutes minutes (log in $work/postgres)"
    mkdir -p "$work/postgres"
    restart="$PG_BIN/pg_ctl -D $PG_TMP/data -m immediate -w -t 60 restart"
    if [ "$(id -u)" = 0 ]; then restart="runuser -u $PG_OS_USER -- $restart"; fi
    python3 scripts/soak/soak.py --strata "$strata" --folder "$work/postgres" --minutes "$minutes" \
        --postgres-restart "$restart >/dev/null" -- --store "$STRATA_TEST_POSTGRES_URL&schema=soak" || status=1
fi
exit "$status"
