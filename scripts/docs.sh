#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Generates the DocC documentation of the library modules (Strata, StrataSQLite, StrataPostgres, StrataHTTP,
# StrataCommandLine), with warnings as errors: a broken ``Symbol`` or <doc:Article> link, a parameter documented
# that does not exist, or any other warning fails the run. scripts/test.sh runs it right after its build.
#
#   scripts/docs.sh                                # into .build/documentation, one .doccarchive per module
#   scripts/docs.sh --scratch-path .build-docs     # options before the plugin's go to `swift package`
#
# It reuses the debug build in the scratch path (.build by default): the plugin builds each module only when it
# is not up to date, then extracts its symbol graph. STRATA_DOCS_OUTPUT names another output folder.
set -euo pipefail
cd "$(dirname "$0")/.."

# The plugin builds each module on its own. The package manager writes a dependency's enabled package traits
# (Hummingbird's ConfigurationSupport and FullFoundation) as -D flags in an order that follows Swift's per-process
# hash seed, and a different order is a different command, so without a fixed seed each of those builds could
# recompile Hummingbird again. A fixed seed makes them agree.
export SWIFT_DETERMINISTIC_HASHING=1

output="${STRATA_DOCS_OUTPUT:-.build/documentation}"
mkdir -p "$output"
log="$(mktemp /tmp/strata-docs.XXXXXX)"
trap 'rm -f "$log"' EXIT

targets=(Strata StrataSQLite StrataPostgres StrataHTTP StrataCommandLine)
target_options=()
for target in "${targets[@]}"; do target_options+=(--target "$target"); done

swift package "$@" --allow-writing-to-directory "$output" \
    generate-documentation "${target_options[@]}" --output-path "$output" --warnings-as-errors 2>&1 | tee "$log"

# DocC turns its own warnings into errors and fails above. A warning from anything else on the way (the plugin,
# the package manager) fails the run too, except the package manager's note, on every run, that a dependency
# ships files its manifest does not declare (a path under checkouts/): nothing this package can change.
warnings="$(awk '
    /which are unhandled/ { pending = $0; next }
    pending != "" { if ($0 !~ /\/checkouts\//) print pending; pending = "" }
    /warning:/ { print }
    END { if (pending != "") print pending }
' "$log")"
if [ -n "$warnings" ]; then
    printf '%s\n' "$warnings" >&2
    echo "error: generating the documentation printed the warnings above" >&2
    exit 1
fi
