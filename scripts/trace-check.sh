#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# One trace across the asynchronous boundary, end to end: the real `strata serve` (SQLite) exports its traces
# over OTLP/HTTP to a real receiver built on the OpenTelemetry project's protocol definitions (opentelemetry-proto
# from PyPI, pinned, in a throwaway virtual environment). One order is placed and paid, the payment sent with a
# W3C traceparent header; after a graceful stop (which flushes the exporter), scripts/trace/check_trace.py
# prints the payment's trace as a tree and checks that it spans the HTTP request, the command, its append and
# group commit, the projections and the process manager, and the command that one sent, with their parents.
#
#   scripts/trace-check.sh [path to strata]      (default: .build/debug/strata)
#
# With STRATA_TRACE_PROTOCOL=http/json the export uses OTLP's JSON encoding instead of protobuf.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-venv.sh
source scripts/serve-helpers.sh

strata="$(realpath "${1:-.build/debug/strata}")"
work="$(mktemp -d)"
receiver_pid=""

cleanup() {
    for pid in "$server_pid" "$receiver_pid"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

echo "--> installing opentelemetry-proto into a throwaway virtual environment"
make_venv "$work/venv" "opentelemetry-proto==1.45.2"

"$work/venv/bin/python" scripts/trace/otlp_receiver.py "$work/spans.jsonl" >"$work/receiver.out" 2>&1 &
receiver_pid=$!
collector=""
for _ in $(seq 1 100); do
    collector="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/receiver.out" || true)"
    [[ -n "$collector" ]] && break
    sleep 0.1
done
[[ -n "$collector" ]] || { echo "error: the OTLP receiver did not start:" >&2; cat "$work/receiver.out" >&2; exit 1; }

port="$(free_port)"
base="http://127.0.0.1:$port"
echo "--> strata serve, exporting to the receiver at $collector"
# Short export delays, so that the process manager's command is exported well before the stop.
OTEL_BSP_SCHEDULE_DELAY=100 OTEL_EXPORTER_OTLP_PROTOCOL="${STRATA_TRACE_PROTOCOL:-http/protobuf}" \
    start_serve --otel-endpoint "$collector" --log-level debug

field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
customer="$(curl -fsS -X POST "$base/customers" -d '{"name":"Ada Lovelace","email":"ada@example.com"}' | field id)"
order="$(curl -fsS -X POST "$base/orders" -d "{\"customerId\":\"$customer\"}" | field id)"
curl -fsS -X POST "$base/orders/$order/lines" -d '{"sku":"book","quantity":2,"unitPriceCents":1250}' >/dev/null
curl -fsS -X POST "$base/orders/$order/confirm" >/dev/null

trace_id="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
caller_span_id="$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
echo "--> paying order $order in trace $trace_id"
curl -fsS -X POST "$base/orders/$order/payments" -H "traceparent: 00-$trace_id-$caller_span_id-01" -d '{"amountCents":2500}' >/dev/null

# The process manager marks the order paid; the order's view shows it once the projection has caught up.
for _ in $(seq 1 100); do
    if curl -fsS "$base/orders/$order" | grep -q '"status":"paid"'; then break; fi
    sleep 0.1
done
curl -fsS "$base/orders/$order" | grep -q '"status":"paid"' || { echo "error: the order was not marked paid" >&2; exit 1; }

echo "--> stopping strata serve (the exporter flushes on the way out)"
stop_serve

# Logs carry trace ids: the request's log line (at debug level) names the caller's trace.
grep -q "trace_id=$trace_id" "$work/serve.log" || { echo "error: no log line carries the trace id $trace_id:" >&2; cat "$work/serve.log" >&2; exit 1; }
"$work/venv/bin/python" scripts/trace/check_trace.py "$work/spans.jsonl" "$trace_id" "$caller_span_id"
