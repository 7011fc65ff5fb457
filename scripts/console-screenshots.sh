#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Refreshes the console's screenshots (the README and the DocC article *The operator console* show them): runs the
# browser check of scripts/console-check.sh and keeps a PNG of each page it opens.
#
#   scripts/console-screenshots.sh [path to strata]      (default: .build/debug/strata)
set -euo pipefail
cd "$(dirname "$0")/.."
folder="$PWD/Sources/StrataHTTP/StrataHTTP.docc/Resources"
mkdir -p "$folder"
STRATA_CONSOLE_SCREENSHOTS="$folder" scripts/console-check.sh "${1:-.build/debug/strata}"
ls -1 "$folder"/console-*.png
