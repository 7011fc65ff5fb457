#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Sourced by scripts/test.sh (and the benchmarks): starts a PostgreSQL 15 server in a temporary folder, on
# 127.0.0.1 and a free port, as an unprivileged user (PostgreSQL refuses to run as root), and stops it when
# the calling shell exits. Without PostgreSQL it fails, unless STRATA_TEST_SKIP_POSTGRES=1 opts out (loudly). Exports:
#   STRATA_TEST_POSTGRES_URL     postgres://… of the server (a superuser named strata, no password)
#   STRATA_TEST_POSTGRES_BIN     the folder of initdb and pg_ctl, for tests that run servers of their own
#   STRATA_TEST_POSTGRES_OS_USER the user those servers must run as ("" when the caller is not root)

PG_BIN="${STRATA_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
PG_OS_USER=strata-postgres

as_postgres_user() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

start_throwaway_postgres() {
    if [ ! -x "$PG_BIN/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "==> installing PostgreSQL 15"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    fi
    if [ "${STRATA_TEST_SKIP_POSTGRES:-}" = "1" ]; then
        echo "!!! ============================================================================== !!!" >&2
        echo "!!! STRATA_TEST_SKIP_POSTGRES=1: every PostgreSQL test is SKIPPED. This run proves   !!!" >&2
        echo "!!! nothing about the production backend; CI never sets it.                         !!!" >&2
        echo "!!! ============================================================================== !!!" >&2
        return 0
    fi
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "error: PostgreSQL 15 is not installed at $PG_BIN (set STRATA_POSTGRES_BIN to its bin folder)." >&2
        echo "       The tests need it; to run without it, and skip every PostgreSQL test, set STRATA_TEST_SKIP_POSTGRES=1." >&2
        exit 1
    fi
    if [ "$(id -u)" = 0 ]; then
        id "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
        export STRATA_TEST_POSTGRES_OS_USER="$PG_OS_USER"
    else
        export STRATA_TEST_POSTGRES_OS_USER=""
    fi
    PG_TMP="$(mktemp -d /tmp/strata-postgres.XXXXXX)"
    chmod 755 "$PG_TMP"
    [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$PG_TMP"
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_postgres_user "$PG_BIN/initdb" -D "$PG_TMP/data" -U strata --auth=trust -E UTF8 >"$PG_TMP/initdb.log" 2>&1 || {
        cat "$PG_TMP/initdb.log" >&2
        exit 1
    }
    # A session left idle inside a transaction (a test that failed between BEGIN and COMMIT) would hold its locks
    # until the run ends and stall every test waiting on them; the server ends it after a minute instead.
    as_postgres_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on -c idle_in_transaction_session_timeout=60s" \
        start >/dev/null || {
        cat "$PG_TMP/server.log" >&2
        exit 1
    }
    trap stop_throwaway_postgres EXIT
    export STRATA_TEST_POSTGRES_URL="postgres://strata@127.0.0.1:$port/postgres?sslmode=disable"
    export STRATA_TEST_POSTGRES_BIN="$PG_BIN"
    echo "==> PostgreSQL 15 on 127.0.0.1:$port (data in $PG_TMP)"
}

stop_throwaway_postgres() {
    if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ]; then
        as_postgres_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
    fi
}
