#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Mutation testing (not part of the test command, for its length): applies each named mutation of the sources in
# turn, in a scratch copy of the working tree (.build-mutants/tree), builds, runs the tests that guard the promise
# it breaks, and reports which mutants the tests killed. Every mutant must be killed; the exit status is 1 if
# one survives. Starts a throwaway PostgreSQL for the PostgreSQL mutants (scripts/throwaway-postgres.sh).
#
#   scripts/mutants.sh                  # every mutant
#   scripts/mutants.sh --list           # their names, one a line
#   scripts/mutants.sh --only NAME ...  # one (or, repeated, several)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--list" ]; then
    exec python3 scripts/mutants/mutants.py --list
fi
source scripts/throwaway-postgres.sh
start_throwaway_postgres
python3 scripts/mutants/mutants.py "$@"
