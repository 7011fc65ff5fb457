#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# The HTTP API's contract, checked against the real service: `strata serve` on SQLite with authentication on,
# its OpenAPI document (the served JSON and YAML and `strata openapi`'s output, which must agree) validated with
# openapi-spec-validator, then fuzzed with schemathesis: every operation with generated and boundary inputs, and
# stateful runs that follow the document's links (register a customer, place an order, add a line, confirm,
# read the order, pay). It fails on any 5xx, any answer the document does not describe (status, content type,
# headers, body), and a server that crashed, does not stop cleanly, or does not start again on what the run
# stored. Both Python tools are pinned and installed into a throwaway virtual environment.
#
#   scripts/api-contract.sh [path to strata]      (default: .build/debug/strata)
#
# STRATA_API_EXAMPLES sets the examples per operation (default 25); STRATA_API_SCENARIOS the stateful scenarios
# (default 100), each a walk of at most 50 calls along the links.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-venv.sh
source scripts/serve-helpers.sh

strata="$(realpath "${1:-.build/debug/strata}")"
examples="${STRATA_API_EXAMPLES:-25}"
scenarios="${STRATA_API_SCENARIOS:-100}"
work="$(mktemp -d)"

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "--> installing schemathesis and openapi-spec-validator into a throwaway virtual environment"
make_venv "$work/venv" "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"

port="$(free_port)"
base="http://127.0.0.1:$port"
export STRATA_AUTH_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"

start_serve
token="$("$strata" token --scope "read write admin" --expires-in 2h)"

echo "--> the document: served as JSON and YAML, printed by strata openapi; one document, valid OpenAPI 3.1"
curl -fsS "$base/openapi.json" -o "$work/served.json"
curl -fsS "$base/openapi.yaml" -o "$work/served.yaml"
"$strata" openapi >"$work/cli.json"
"$work/venv/bin/python" - "$work" <<'PYTHON'
import json, sys, yaml
work = sys.argv[1]
served = json.load(open(f"{work}/served.json"))
if yaml.safe_load(open(f"{work}/served.yaml")) != served:
    sys.exit("error: /openapi.yaml and /openapi.json differ")
if json.load(open(f"{work}/cli.json")) != served:
    sys.exit("error: `strata openapi` and /openapi.json differ")
operations = sum(1 for item in served["paths"].values() for method in item if method in ("get", "post", "put", "patch", "delete"))
print(f"{len(served['paths'])} paths, {operations} operations")
PYTHON
"$work/venv/bin/openapi-spec-validator" "$work/served.json" "$work/served.yaml"

checks="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
# Only the document's own links: links schemathesis guesses from parameter names lead the walks astray (an
# order id into a customer's route) and leave fewer steps for the paths a client really takes.
cat >"$work/schemathesis.toml" <<TOML
[phases.stateful]
max-steps = 50

[phases.stateful.inference]
algorithms = []
TOML
schemathesis() {
    (cd "$work" && "$work/venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/openapi.json" \
        -H "Authorization: Bearer $token" --checks "$checks" --no-color "$@")
}

# /events streams until the client leaves: a request to it would never end, so it is left out here; the Swift
# tests drive it.
echo "--> schemathesis: every operation, examples, boundaries and generated inputs"
schemathesis --exclude-path /events --phases examples,coverage,fuzzing --max-examples "$examples"

# The shop's operations only: the projection-control operations would otherwise take most of the steps.
echo "--> schemathesis: stateful, along the document's links"
schemathesis --include-tag customers --include-tag orders --phases stateful --max-examples "$scenarios"

echo "--> the service is still up, stops cleanly, and starts again on what the run stored"
curl -fsS "$base/health/live" >/dev/null
stop_serve
start_serve
curl -fsS "$base/health" >/dev/null
stop_serve
"$work/venv/bin/python" -c 'import sqlite3, sys; print("events the run stored:", sqlite3.connect(sys.argv[1]).execute("select count(*) from strata_events").fetchone()[0])' "$work/data/events.sqlite"
