#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Strata's whole test run, from a fresh clone: format lint, a debug build of every target (warnings are
# errors), the documentation (DocC; warnings are errors), then every test, with a throwaway PostgreSQL 15 server
# that this script starts and stops itself, the HTTP API checked against its OpenAPI document by schemathesis,
# one trace exported to an OTLP receiver (both from PyPI, in throwaway virtual environments), the operator console
# in headless Chromium (Debian's packages, driven by selenium from PyPI), and bounded fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/throwaway-postgres.sh
start_throwaway_postgres

echo "==> swift format lint"
swift format lint --strict --recursive Package.swift Sources Tests Examples

# The package manager orders a dependency's trait flags by Swift's per-process hash seed; a fixed seed keeps the
# build and the documentation step (which rebuilds what it finds out of date) from compiling Hummingbird twice.
export SWIFT_DETERMINISTIC_HASHING=1

echo "==> swift build --build-tests"
swift build --build-tests

# The bank, a second application in a package of its own that depends on Strata by path, built in this
# checkout's build folder so that it reuses the build of Strata and its dependencies above. Built before the
# documentation, whose plugin rebuilds some dependencies with commands of its own that the bank would redo.
echo "==> the bank example (Examples/Bank): build"
swift build --build-tests --package-path Examples/Bank --scratch-path .build

# `swift test --skip-build` runs the tests of the package built last in the build folder, whichever package it
# is asked for: the bank's tests run right after the bank's build, Strata's after the documentation step, which
# builds Strata's package last.
echo "==> the bank example (Examples/Bank): tests"
swift test --skip-build --package-path Examples/Bank --scratch-path .build

echo "==> documentation (DocC, warnings are errors)"
scripts/docs.sh

# Swift Testing runs every test at once by default. On a two-core machine, a hundred projection and
# subscription tests at once once kept some of them from progressing for longer than their 10 s budgets: stores
# opened synchronously held the two threads of Swift concurrency while the disk flushed (they open off those
# threads now). Four at a time leaves headroom on a slow disk, and the runs take no longer.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-4}"

echo "==> swift test"
swift test --skip-build

# The HTTP API against its OpenAPI document: the real binary on SQLite, fuzzed by schemathesis (scripts/api-contract.sh).
echo "==> the HTTP API's contract: OpenAPI document, schemathesis"
scripts/api-contract.sh .build/debug/strata

# One trace through the real binary, exported over OTLP/HTTP to a real receiver (scripts/trace-check.sh).
echo "==> tracing: one paid order's trace, exported to an OTLP receiver"
scripts/trace-check.sh .build/debug/strata

# The operator console in headless Chromium, driven by selenium (scripts/console-check.sh).
echo "==> the operator console in a browser"
scripts/console-check.sh .build/debug/strata

# Bounded fuzzing of the parsers and decoders that take outside input; fails on any crash (scripts/fuzz.sh).
echo "==> fuzzing for 60 seconds"
scripts/fuzz.sh 60
