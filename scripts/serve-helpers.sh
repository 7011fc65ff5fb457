#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Sourced by the scripts that check the real `strata serve` (api-contract.sh, console-check.sh,
# trace-check.sh). They set `strata` (the binary) and `work` (a throwaway folder) first.
#
# free_port: prints a free TCP port on 127.0.0.1.
# start_serve [OPTION...]: starts `strata serve` on SQLite in $work/data at $port (pick it with free_port), with
#   the extra options given, logging to $work/serve.log; sets server_pid and waits until GET /health answers,
#   failing with the log if it never does.
# stop_serve: stops it with SIGTERM, as a process supervisor does, and fails with the log unless it exits 0.
# The caller's EXIT trap should kill $server_pid when it is set, for a run that fails half way.

server_pid=""

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_serve() {
    mkdir -p "$work/data"
    "$strata" serve --store "sqlite:$work/data/events.sqlite" --port "$port" "$@" >>"$work/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
        sleep 0.2
    done
    echo "error: strata serve did not become ready; its log:" >&2
    cat "$work/serve.log" >&2
    exit 1
}

stop_serve() {
    kill -TERM "$server_pid"
    local status=0
    wait "$server_pid" || status=$?
    server_pid=""
    if [[ $status -ne 0 ]]; then
        echo "error: strata serve exited with status $status; its log:" >&2
        cat "$work/serve.log" >&2
        exit 1
    fi
}
