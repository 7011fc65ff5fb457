#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Builds strata-fuzz with libFuzzer's coverage instrumentation and fuzzes the parsers and decoders that take
# outside input, starting from the committed corpus in Fuzz/corpus.
#
#   scripts/fuzz.sh              # 10 minutes
#   scripts/fuzz.sh 60           # the bounded run the test command makes
#
# New interesting inputs go to .build-fuzz/corpus (not committed); a crash leaves its input as
# .build-fuzz/crash-<hash>, which `strata-fuzz <file>` replays. Exits non-zero on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
swift build --product strata-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DSTRATA_FUZZING
mkdir -p .build-fuzz/corpus
.build-fuzz/debug/strata-fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=.build-fuzz/ .build-fuzz/corpus Fuzz/corpus
