#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# The operator console in a real browser: `strata serve` on SQLite with authentication on, a paid order (its
# customer named with markup), then headless Chromium driven by selenium (scripts/console/check.py) signs in with
# a token, opens every page, checks that what the API holds appears there (the order's stream, the customer's
# event with its markup shown as text and never run, the payment's causation tree, the projection's state), and
# rebuilds the projection with the button, as an operator would. Chromium and its driver come from Debian's
# packages (installed when missing), selenium from PyPI into a throwaway virtual environment.
#
#   scripts/console-check.sh [path to strata]      (default: .build/debug/strata)
#
# STRATA_CONSOLE_SCREENSHOTS=DIR saves a screenshot of each page into DIR (scripts/console-screenshots.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-venv.sh
source scripts/serve-helpers.sh

strata="$(realpath "${1:-.build/debug/strata}")"
work="$(mktemp -d)"

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "--> installing chromium and chromium-driver (Debian's packages)"
    if [[ "$(id -u)" = 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
    fi
fi

echo "--> installing selenium into a throwaway virtual environment"
make_venv "$work/venv" "selenium==4.34.2"

port="$(free_port)"
base="http://127.0.0.1:$port"
export STRATA_AUTH_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
start_serve

admin="$("$strata" token --scope "read write admin" --expires-in 1h)"
reader="$("$strata" token --scope "read" --expires-in 1h)"

"$work/venv/bin/python" scripts/console/check.py "$base" "$admin" "$reader"

stop_serve
